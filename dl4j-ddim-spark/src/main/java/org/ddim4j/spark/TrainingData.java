package org.ddim4j.spark;

import org.ddim4j.batches.BatchSource;
import org.ddim4j.config.DdimConfig;

import java.io.Serializable;

/**
 * How the driver and every executor open a run's training images (each reads them itself: the dataset must be
 * readable at the same root on every machine). {@code ./ddim spark train} opens the config's dataset as
 * {@code ./ddim train} does.
 */
@FunctionalInterface
public interface TrainingData extends Serializable {
    BatchSource open(DdimConfig config);
}
