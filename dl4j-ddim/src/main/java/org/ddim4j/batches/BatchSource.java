package org.ddim4j.batches;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training images, served so that a run is repeatable and resumable: the batch of an iteration is a
 * function of the iteration alone (and the source's own seed), never of how the run got there.
 */
public interface BatchSource {
    /** Number of distinct images. */
    int size();

    /** The images of one iteration, [B, C, H, W] float32 in [-1, 1], before augmentation. */
    INDArray batch(long iteration, int batchSize);
}
