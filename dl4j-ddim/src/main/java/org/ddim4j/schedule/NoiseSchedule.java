package org.ddim4j.schedule;

import org.ddim4j.config.DiffusionConfig;

/**
 * The forward process q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I) of T steps.
 * Betas are float32 (computed in double, as the seed's numpy code, then rounded); alpha_bar_t is the product
 * of (1 - beta) accumulated in double and rounded to float32. By convention alpha_bar(-1) = 1.
 */
public final class NoiseSchedule {
    private final float[] betas;
    private final float[] alphasCumprod;

    private NoiseSchedule(float[] betas) {
        this.betas = betas;
        this.alphasCumprod = new float[betas.length];
        double product = 1.0;
        for (int i = 0; i < betas.length; i++) {
            product *= (double) (1.0f - betas[i]);
            alphasCumprod[i] = (float) product;
        }
    }

    public static NoiseSchedule of(BetaSchedule schedule, double betaStart, double betaEnd, int numT) {
        if (numT <= 0) {
            throw new IllegalArgumentException("numT must be positive, got " + numT);
        }
        double[] b = schedule.betas(betaStart, betaEnd, numT);
        float[] f = new float[numT];
        for (int i = 0; i < numT; i++) {
            if (!(b[i] > 0 && b[i] < 1)) {
                throw new IllegalArgumentException("beta_" + i + " = " + b[i] + " is outside (0, 1)");
            }
            f[i] = (float) b[i];
        }
        return new NoiseSchedule(f);
    }

    public static NoiseSchedule from(DiffusionConfig c) {
        return of(BetaSchedule.fromName(c.betaSchedule()), c.betaStart(), c.betaEnd(), c.numT());
    }

    /** Number of diffusion steps T. */
    public int numSteps() {
        return betas.length;
    }

    public float beta(int t) {
        return betas[t];
    }

    /** alpha_bar(t) for t in [-1, T); alpha_bar(-1) = 1. */
    public float alphaBar(int t) {
        if (t < -1 || t >= betas.length) {
            throw new IllegalArgumentException("timestep " + t + " outside [-1, " + betas.length + ")");
        }
        return t < 0 ? 1.0f : alphasCumprod[t];
    }

    public float[] betas() {
        return betas.clone();
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }
}
