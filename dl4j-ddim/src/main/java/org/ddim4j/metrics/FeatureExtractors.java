package org.ddim4j.metrics;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Feature extractors by name, as {@code --features} and sweep specs give them: {@code emoji} (the network in the
 * jar), {@code emoji=F.zip} (one from {@code ./ddim eval train-features}), {@code inception} (pytorch-fid's weights
 * from DL4J's cache, downloaded once) or {@code inception=PATH}.
 */
public final class FeatureExtractors {
    public static final String HELP = "emoji (the network in the jar; default), emoji=F.zip, inception (pytorch-fid's"
            + " weights from DL4J's cache, downloaded once) or inception=PATH (" + InceptionWeights.FILE_NAME + ")";

    private FeatureExtractors() {
    }

    /** @param unchecked accept Inception weights with another hash (their FIDs labelled not comparable) */
    public static FeatureExtractor open(String spec, boolean unchecked) throws IOException {
        int eq = spec.indexOf('=');
        String kind = eq < 0 ? spec : spec.substring(0, eq);
        String path = eq < 0 ? null : spec.substring(eq + 1);
        if (unchecked && !kind.equals("inception")) {
            throw new IllegalArgumentException("unchecked weights go with inception features only, got '" + spec + "'");
        }
        return switch (kind) {
            case "emoji" -> path == null ? EmojiFeatures.shipped() : EmojiFeatures.load(Path.of(path));
            case "inception" -> InceptionFeatures.load(path == null ? InceptionWeights.cachedOrDownload() : Path.of(path), unchecked);
            default -> throw new IllegalArgumentException("features must be " + HELP + "; got '" + spec + "'");
        };
    }
}
