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
        if (!model.conditional() && (className != null || guidance != null)) {
            throw command.usageError((className != null ? "--class" : "--guidance")
                    + " goes with a class-conditional model (network.class_conditional); this one is unconditional");
        }
        if (guidance == null) {
            return model;
        }
        if (!(guidance >= 0) || guidance.isInfinite()) {
            throw command.usageError("--guidance must be a finite number >= 0, got " + guidance);
        }
        return new DdimModel(model.config().withDiffusion(model.config().diffusion().withGuidance(guidance)), model.network());
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
