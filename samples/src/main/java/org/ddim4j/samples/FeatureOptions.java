package org.ddim4j.samples;

import org.ddim4j.metrics.FeatureExtractor;
import org.ddim4j.metrics.FeatureExtractors;
import picocli.CommandLine.Option;

import java.io.IOException;

/** The feature network of FID and KID: {@code --features} and {@code --inception-unchecked}. */
final class FeatureOptions {
    @Option(names = "--features", paramLabel = "NET", defaultValue = "emoji",
            description = "the feature network: " + FeatureExtractors.HELP)
    String features;

    @Option(names = "--inception-unchecked",
            description = "use Inception weights whose SHA-256 is not the published file's (FIDs are then labelled "
                    + "not comparable with published ones)")
    boolean inceptionUnchecked;

    FeatureExtractor open(DdimCommand command) throws IOException {
        String kind = features.contains("=") ? features.substring(0, features.indexOf('=')) : features;
        if (!kind.equals("emoji") && !kind.equals("inception") || inceptionUnchecked && !kind.equals("inception")) {
            throw command.usageError("--features must be " + FeatureExtractors.HELP
                    + (inceptionUnchecked ? " (--inception-unchecked goes with inception)" : "") + "; got '" + features + "'");
        }
        return FeatureExtractors.open(features, inceptionUnchecked);
    }
}
