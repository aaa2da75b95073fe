package org.ddim4j.schedule;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    /**
     * A sample of q(x_t | x_0) from the given noise, t per image (Ho et al. 2020, eq. 4):
     * x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps, the two factors rounded to float32.
     *
     * @param x0  [B, ...] clean images
     * @param eps noise of x0's shape
     * @param t   B timesteps in [0, T)
     */
    public INDArray addNoise(INDArray x0, INDArray eps, int[] t) {
        int batch = (int) x0.size(0);
        if (t.length != batch || !java.util.Arrays.equals(x0.shape(), eps.shape())) {
            throw new IllegalArgumentException("addNoise takes noise of x0's shape " + java.util.Arrays.toString(x0.shape())
                    + " and one timestep per image; got noise " + java.util.Arrays.toString(eps.shape()) + " and "
                    + t.length + " timesteps");
        }
        float[] signal = new float[batch];
        float[] noiseScale = new float[batch];
        for (int k = 0; k < batch; k++) {
            float a = alphaBar(t[k]);
            signal[k] = (float) Math.sqrt(a);
            noiseScale[k] = (float) Math.sqrt(1 - a);
        }
        return x0.reshape(batch, -1).mulColumnVector(Nd4j.createFromArray(signal).reshape(batch, 1))
                .addi(eps.reshape(batch, -1).mulColumnVector(Nd4j.createFromArray(noiseScale).reshape(batch, 1)))
                .reshape(x0.shape());
    }

    /** As {@link #addNoise(INDArray, INDArray, int[])} with the same timestep for every image. */
    public INDArray addNoise(INDArray x0, INDArray eps, int t) {
        int[] ts = new int[(int) x0.size(0)];
        java.util.Arrays.fill(ts, t);
        return addNoise(x0, eps, ts);
    }

    /** sigma_t = sqrt((1 - alpha_bar_t) / alpha_bar_t), the noise level of x_t / sqrt(alpha_bar_t), for t in [0, T). */
    public double sigma(int t) {
        double a = alphaBar(t);
        return Math.sqrt((1 - a) / a);
    }

    /**
     * The (fractional) timestep of a noise level: log sigma interpolated linearly between whole timesteps (as
     * k-diffusion's sigma_to_t), clamped to [0, T - 1]. Inverse of {@link #sigma} at whole timesteps.
     */
    public double timestepOf(double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("sigma must be positive, got " + sigma);
        }
        double target = Math.log(sigma);
        int last = betas.length - 1;
        if (target <= Math.log(sigma(0))) {
            return 0;
        }
        if (target >= Math.log(sigma(last))) {
            return last;
        }
        int lo = 0;
        int hi = last;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (Math.log(sigma(mid)) <= target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double a = Math.log(sigma(lo));
        double b = Math.log(sigma(hi));
        return lo + (target - a) / (b - a);
    }

    public float[] betas() {
        return betas.clone();
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }
}
