package org.ddim4j.samples;

import org.ddim4j.model.DdimModel;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import picocli.CommandLine.Option;

import java.util.Arrays;

/** A class-conditional model's {@code --class} and {@code --guidance}; refused by an unconditional model. */
final class ClassOptions {
    @Option(names = "--class", paramLabel = "NAME",
            description = "a class-conditional model's class for every sample (default: classes drawn in the "
                    + "proportions of its training data)")
    String className;

    @Option(names = "--guidance", paramLabel = "W",
            description = "a class-conditional model's classifier-free guidance weight w >= 0 (default: the config's "
                    + "diffusion.guidance; 0 is the conditional model alone)")
    Double guidance;

    /** The model with --guidance in its config; an unconditional model given either option is a usage error. */
    DdimModel apply(DdimModel model, DdimCommand command) {
        if (!model.conditional() && className != null) {
            throw command.usageError("--class goes with a class-conditional model (network.class_conditional); this one is unconditional");
        }
        return withGuidance(model, guidance, command);
    }

    /** The model with guidance weight w (null: as it is); w given to an unconditional model is a usage error. */
    static DdimModel withGuidance(DdimModel model, Double w, DdimCommand command) {
        if (w == null) {
            return model;
        }
        if (!model.conditional()) {
            throw command.usageError("--guidance goes with a class-conditional model (network.class_conditional); this one is unconditional");
        }
        if (!(w >= 0) || w.isInfinite()) {
            throw command.usageError("--guidance must be a finite number >= 0, got " + w);
        }
        return new DdimModel(model.config().withDiffusion(model.config().diffusion().withGuidance(w)), model.network());
    }

    /**
     * The predictor generating {@code count} images: of --class, or of classes drawn from the model's prior with
     * {@code seed}; an unconditional model's noise predictor.
     */
    DifferentiableNoisePredictor generating(DdimModel model, int count, long seed, DdimCommand command) {
        if (className == null) {
            return model.generatingPredictor(count, seed);
        }
        int label;
        try {
            label = model.classes().label(className);
        } catch (IllegalArgumentException e) {
            throw command.usageError("--class: " + e.getMessage());
        }
        int[] labels = new int[count];
        Arrays.fill(labels, label);
        return model.noisePredictor(labels, model.config().diffusion().guidance());
    }
}
