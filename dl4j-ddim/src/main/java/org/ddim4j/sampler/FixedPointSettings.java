package org.ddim4j.sampler;

/**
 * How each step of the DDIM-ODE inversion is solved for its exact point ({@link FixedPointInversion}).
 *
 * @param maxIterations network evaluations per step after the first (0: the plain DDIM-ODE step)
 * @param tolerance     an image's step has converged when the RMS of its residual G(x) - x is at most this (model
 *                      range, [-1, 1]); 0 runs every iteration
 * @param depth         Anderson acceleration's memory: how many earlier iterates are mixed in (0: plain iteration)
 */
public record FixedPointSettings(int maxIterations, double tolerance, int depth) {
    /**
     * The default stopping rule: 1e-4 RMS, an eightieth of one 8-bit grey level (2/255 in the model's range), and
     * above the noise floor of a float32 network's fixed point (the shipped emoji model's residuals stall near 2e-5).
     */
    public static final double DEFAULT_TOLERANCE = 1e-4;
    /**
     * The default memory of Anderson acceleration: on FixedPointInversionTest's mixtures depth 3 converged on the
     * most images (depth 5 diverged on some where 2 and 3 did not).
     */
    public static final int DEFAULT_DEPTH = 3;

    public FixedPointSettings {
        if (maxIterations < 0) {
            throw new IllegalArgumentException("fixed-point iterations must be >= 0, got " + maxIterations);
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("fixed-point tolerance must be a finite number >= 0, got " + tolerance);
        }
        if (depth < 0 || depth > 20) {
            throw new IllegalArgumentException("Anderson depth must be in [0, 20], got " + depth);
        }
    }

    /** {@code k} plain iterations per step, no stopping rule: the seed-era {@code --fixed-point K}. */
    public static FixedPointSettings plain(int k) {
        return new FixedPointSettings(k, 0, 0);
    }

    /** Up to {@code k} Anderson-accelerated iterations per step, stopping at the default tolerance. */
    public static FixedPointSettings anderson(int k) {
        return new FixedPointSettings(k, DEFAULT_TOLERANCE, DEFAULT_DEPTH);
    }
}
