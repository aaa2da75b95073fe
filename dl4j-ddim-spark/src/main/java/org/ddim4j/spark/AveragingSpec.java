package org.ddim4j.spark;

import java.io.Serializable;

/**
 * Parameter averaging's shape: {@code workers} tasks each train on their row range of every global batch
 * (training.batch_size / workers images) for {@code averagingFrequency} iterations (K), then parameters, optimiser
 * moments and EMA are averaged.
 */
public record AveragingSpec(int workers, int averagingFrequency) implements Serializable {
    public AveragingSpec {
        if (workers < 1 || averagingFrequency < 1) {
            throw new IllegalArgumentException("workers and the averaging frequency must be positive, got " + workers
                    + " and " + averagingFrequency);
        }
    }
}
