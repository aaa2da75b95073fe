package org.ddim4j.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network that turns images into feature vectors for the quality metrics. Images are [N, 3, H, W] RGB in
 * [-1, 1] (the U-Net's range); features are [N, D] float. Implementations resize the images themselves.
 */
public interface FeatureExtractor {
    /** A short name: "emoji", "inception". */
    String name();

    /** The SHA-256 of the weights (hex): part of every cache key. */
    String weightsSha256();

    /** D, the feature width. */
    int dimension();

    /** Whether FIDs on these features compare with published figures (pytorch-fid's checked weights only). */
    boolean comparable();

    /** Features of a batch of images of any size. */
    INDArray features(INDArray images);

    /** The id written beside every figure: name and the first 12 hex digits of the weights' hash. */
    default String id() {
        return name() + "-" + weightsSha256().substring(0, 12) + (comparable() ? "" : "-not-comparable");
    }

    /** Features of many images, {@code batch} at a time, concatenated: [N, D]. */
    default INDArray featuresInBatches(INDArray images, int batch) {
        Images4d.check("images", images);
        long n = images.size(0);
        INDArray out = null;
        for (long from = 0; from < n; from += batch) {
            long to = Math.min(n, from + batch);
            INDArray f = features(images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)));
            if (f.rank() != 2 || f.size(0) != to - from || f.size(1) != dimension()) {
                throw new IllegalStateException(id() + " gave features " + java.util.Arrays.toString(f.shape()) + " for "
                        + (to - from) + " images; expected [" + (to - from) + ", " + dimension() + "]");
            }
            if (out == null) {
                out = org.nd4j.linalg.factory.Nd4j.create(f.dataType(), n, f.size(1));
            }
            out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to), org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(f);
        }
        return out;
    }
}
