package org.ddim4j.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** The shape check of image batches handed to feature extractors. */
final class Images4d {
    private Images4d() {
    }

    static void check(String what, INDArray images) {
        if (images == null || images.rank() != 4 || images.size(1) != 3 || images.size(0) == 0) {
            throw new IllegalArgumentException(what + ": expected RGB images [N, 3, H, W] with N >= 1, got "
                    + (images == null ? "nothing" : Arrays.toString(images.shape())));
        }
    }
}
