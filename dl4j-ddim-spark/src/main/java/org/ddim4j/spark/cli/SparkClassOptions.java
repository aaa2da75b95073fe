package org.ddim4j.spark.cli;

import org.ddim4j.model.DdimModel;
import picocli.CommandLine.Option;

import java.util.List;

/** A class-conditional model's {@code --class} and {@code --guidance}, as {@code ./ddim sample} and {@code eval} take them. */
final class SparkClassOptions {
    @Option(names = "--class", paramLabel = "NAME",
            description = "a class-conditional model's class to draw; repeated, several classes drawn in the proportions "
                    + "of their training images (default: every class, in the proportions of the training data)")
    List<String> classNames;

    @Option(names = "--guidance", paramLabel = "W",
            description = "a class-conditional model's classifier-free guidance weight w >= 0 (default: the config's "
                    + "diffusion.guidance)")
    Double guidance;

    /** The model with --guidance (as it is without), its classes checked against --class; bad values refused in one line. */
    DdimModel apply(DdimModel model) {
        DdimModel guided = guidance == null ? model : model.withGuidance(guidance);
        try {
            guided.classPrior(classes());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--class: " + e.getMessage(), e);
        }
        return guided;
    }

    /** The --class names, empty without them. */
    List<String> classes() {
        return classNames == null ? List.of() : List.copyOf(classNames);
    }
}
