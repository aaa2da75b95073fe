package org.ddim4j.train;

import org.ddim4j.model.DdimModel;

/**
 * Measures sample quality during training (every {@code evaluation.kid_every} iterations, on the EMA weights): the
 * trainer writes what it returns to the run's {@code kid.csv} and plots it. {@code org.ddim4j.evaluation.KidProbe}
 * is the implementation; the trainer itself reads no dataset.
 */
public interface QualityProbe {
    /**
     * @param kid      KID of the model's samples (plain MMD^2: mean and std over subsets)
     * @param kidStd   its standard deviation
     * @param floor    KID of real images against the same reference, the floor (held-out images, or halves of the reference; NaN when there are too few)
     * @param floorStd its standard deviation
     */
    record Measurement(double kid, double kidStd, double floor, double floorStd) {
    }

    Measurement measure(DdimModel model);
}
