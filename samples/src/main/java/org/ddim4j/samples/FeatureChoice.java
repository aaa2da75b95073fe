package org.ddim4j.samples;

import org.ddim4j.metrics.FeatureExtractor;
import org.ddim4j.metrics.FeatureExtractors;

import java.io.IOException;

/** The {@code --features} and {@code --inception-unchecked} flags. */
final class FeatureChoice {
    static final String HELP = FeatureExtractors.HELP;

    private FeatureChoice() {
    }

    static FeatureExtractor open(Args args) throws IOException {
        String spec = args.string("features", "emoji");
        String kind = spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : spec;
        if (!kind.equals("emoji") && !kind.equals("inception") || args.has("inception-unchecked") && !kind.equals("inception")) {
            throw new UsageException(args.command() + ": --features must be " + HELP
                    + (args.has("inception-unchecked") ? " (--inception-unchecked goes with inception)" : "") + "; got '" + spec + "'");
        }
        return FeatureExtractors.open(spec, args.has("inception-unchecked"));
    }
}
