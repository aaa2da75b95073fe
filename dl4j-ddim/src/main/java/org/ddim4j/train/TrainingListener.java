package org.ddim4j.train;

import java.nio.file.Path;

/** Hears what a training run does; launchers turn it into progress bars or log lines. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {
    };

    default void onStart(long firstIteration, long lastIteration) {
    }

    /** After each iteration: its loss, the gradient norm before clipping, and the recent iterations per second. */
    default void onIteration(long iteration, double loss, double gradNorm, double iterationsPerSecond) {
    }

    default void onSamples(long iteration, Path grid) {
    }

    default void onCheckpoint(long iteration, Path file) {
    }

    /** After a sample-quality measurement (evaluation.kid_every). */
    default void onQuality(long iteration, QualityProbe.Measurement measurement) {
    }
}
