package org.ddim4j.batches;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Training images, served so that a run is repeatable and resumable: the batch of an iteration is a
 * function of the iteration alone (and the source's own seed), never of how the run got there.
 */
public interface BatchSource {
    /** Number of distinct images. */
    int size();

    /** The images of one iteration, [B, C, H, W] float32 in [-1, 1], before augmentation. */
    INDArray batch(long iteration, int batchSize);

    /** The classes the images are labelled with, indexed by label; empty when they carry no labels. */
    default List<String> classNames() {
        return List.of();
    }

    /** How many of the images carry each label, in the order of {@link #classNames()}. */
    default List<Integer> classCounts() {
        return List.of();
    }

    /**
     * The labels of {@link #batch}'s images of the same iteration, in [0, K), taken after that batch (a skipped
     * image's place holds the image that replaced it).
     */
    default int[] labels(long iteration, int batchSize) {
        throw new UnsupportedOperationException("these training images carry no class labels");
    }

    /**
     * These batches with each image of a named class shown that many times per epoch (training.class_repeats); the
     * source itself when {@code repeats} is empty.
     *
     * @throws IllegalArgumentException if repeats are asked of a source that cannot repeat classes, or name a class
     *                                  the images do not carry
     */
    default BatchSource withClassRepeats(java.util.Map<String, Integer> repeats) {
        if (repeats.isEmpty()) {
            return this;
        }
        throw new IllegalArgumentException("training.class_repeats " + repeats
                + " needs training images labelled with classes that can be drawn by class; these cannot");
    }
}
