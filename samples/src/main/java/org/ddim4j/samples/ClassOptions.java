package org.ddim4j.samples;

import org.ddim4j.model.ClassPrior;
import org.ddim4j.model.DdimModel;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import picocli.CommandLine.Option;

import java.util.List;

/** A class-conditional model's {@code --class} and {@code --guidance}; refused by an unconditional model. */
final class ClassOptions {
    @Option(names = "--class", paramLabel = "NAME",
            description = "a class-conditional model's class to draw; repeated, several classes drawn in the proportions "
                    + "of their training images (default: every class, in the proportions of the training data)")
    List<String> classNames;

    @Option(names = "--guidance", paramLabel = "W",
            description = "a class-conditional model's classifier-free guidance weight w >= 0 (default: the config's "
                    + "diffusion.guidance; 0 is the conditional model alone)")
    Double guidance;

    /**
     * The model with --guidance in its config (as it is without); an unconditional model given either option, or a
     * negative weight, is a usage error.
     */
    DdimModel apply(DdimModel model, DdimCommand command) {
        if (!model.conditional() && classNames != null) {
            throw command.usageError("--class goes with a class-conditional model (network.class_conditional); this one is unconditional");
        }
        if (guidance == null) {
            return model;
        }
        try {
            return model.withGuidance(guidance);
        } catch (IllegalArgumentException e) {
            throw command.usageError("--" + e.getMessage());
        }
    }

    /**
     * What labels are drawn from: the model's class prior restricted to the --class names (all of it without them);
     * null for an unconditional model.
     */
    ClassPrior prior(DdimModel model, DdimCommand command) {
        if (!model.conditional()) {
            return null;
        }
        try {
            return model.classPrior(classNames == null ? List.of() : classNames);
        } catch (IllegalArgumentException e) {
            throw command.usageError("--class: " + e.getMessage());
        }
    }

    /**
     * The predictor generating {@code count} images of classes drawn with {@code seed} from {@link #prior}; an
     * unconditional model's noise predictor.
     */
    DifferentiableNoisePredictor generating(DdimModel model, int count, long seed, DdimCommand command) {
        ClassPrior prior = prior(model, command);
        return prior == null ? model.noisePredictor() : model.generatingPredictor(prior, count, seed);
    }

    /** What the samples are drawn as, for a report: "class A", "classes A, B", or the default. */
    String describe() {
        return classNames == null ? "classes drawn from the training counts"
                : (classNames.size() == 1 ? "class " : "classes ") + String.join(", ", classNames);
    }
}
