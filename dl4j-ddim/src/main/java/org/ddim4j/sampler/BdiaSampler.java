package org.ddim4j.sampler;

import org.ddim4j.schedule.NoisePredictor;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.TimestepSpacing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BDIA-DDIM (Zhang, Lewis and Kleijn 2023, "Exact Diffusion Inversion via Bi-directional Integration
 * Approximation"): DDIM made exactly invertible at DDIM's cost, one network evaluation per step. With the visited
 * timesteps tau_0 > ... > tau_{n-1}, the clean image at tau_n (alpha = 1, sigma = 0), alpha_k = sqrt(alpha_bar),
 * sigma_k = sqrt(1 - alpha_bar), the states z_k, e_k = eps(z_k, tau_k) and DDIM's step from tau_k to tau_j with
 * that prediction, D(k -> j) = c_kj z_k + d_kj e_k - z_k, c_kj = alpha_j / alpha_k, d_kj = sigma_j - c_kj sigma_k:
 * <ol>
 *   <li>the first step is DDIM's: z_1 = z_0 + D(0 -> 1);</li>
 *   <li>then z_{k+1} = z_{k-1} + [integral over (tau_{k-1}, tau_k)] + D(k -> k+1), the first integral taken as
 *       (1 - gamma) (z_k - z_{k-1}) (the step just made) plus gamma times -D(k -> k-1) (the same interval integrated
 *       backwards from z_k); collected: z_{k+1} = gamma z_{k-1} + (c_k,k+1 - gamma c_k,k-1) z_k
 *       + (d_k,k+1 - gamma d_k,k-1) e_k. gamma = 0 is DDIM; gamma = 1 the time-symmetric update;</li>
 *   <li>step 2 solved for z_{k-1} is its exact inverse (gamma > 0): z_{k-1} = (z_{k+1} - (c_k,k+1 - gamma c_k,k-1) z_k
 *       - (d_k,k+1 - gamma d_k,k-1) e_k) / gamma, where e_k needs only z_k. Encoding an image z_n takes z_{n-1} by one
 *       DDIM-ODE step (eps(z_n, tau_{n-1})), then runs step 3 from k = n - 1 down to 1: n evaluations.</li>
 * </ol>
 * A latent is the pair (z_0, z_1); generation from noise makes z_1 by step 1. The states are kept in double and
 * only the network sees float32 ({@link DoubleStates}). Step 3 divides by gamma: encoding grows the
 * "parasitic" solution of the two-step recurrence about as (1 / gamma)^n (its root -gamma of sampling's
 * recurrence, inverted), which decoding damps again; gamma = 1 keeps both neutral.
 */
public final class BdiaSampler implements InvertibleSampler {
    /** The time-symmetric update: neither direction amplifies the recurrence's parasitic solution. */
    public static final double DEFAULT_GAMMA = 1.0;

    private final VisitedTimesteps grid;
    private final double gamma;

    /** @param gamma in (0, 1]: how much of the previous interval is integrated backwards from the current state */
    public BdiaSampler(NoiseSchedule schedule, TimestepSpacing spacing, int steps, double gamma) {
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("BDIA gamma must be in (0, 1] (0 is DDIM, which has no exact inverse), got " + gamma);
        }
        this.grid = new VisitedTimesteps(schedule, spacing, steps);
        this.gamma = gamma;
    }

    @Override
    public SamplerKind kind() {
        return SamplerKind.BDIA;
    }

    @Override
    public int evaluations() {
        return grid.count();
    }

    /** Step 1: z_1 = c_01 z_0 + d_01 eps(z_0, tau_0). */
    @Override
    public LatentPair fromNoise(NoisePredictor model, INDArray xT) {
        VisitedTimesteps.checkInput(xT);
        INDArray z0 = xT.castTo(DataType.DOUBLE).dup();
        double c = ratio(0, 1);
        double d = sigma(1) - c * sigma(0);
        INDArray z1 = z0.mul(c).addi(DoubleStates.eps(model, z0, grid.get(0)).muli(d));
        return new LatentPair(z0, z1);
    }

    /** Step 2 from (z_0, z_1) to the clean image z_n (float32). */
    @Override
    public INDArray decode(NoisePredictor model, LatentPair latent) {
        INDArray previous = latent.x().castTo(DataType.DOUBLE).dup();
        INDArray current = latent.y().castTo(DataType.DOUBLE).dup();
        for (int k = 1; k < grid.count(); k++) {
            double[] ab = coefficients(k);
            INDArray next = previous.muli(gamma).addi(current.mul(ab[0])).addi(DoubleStates.eps(model, current, grid.get(k)).muli(ab[1]));
            previous = current;
            current = next;
        }
        return current.castTo(DataType.FLOAT);
    }

    /** Step 3: the pair (z_0, z_1) whose {@link #decode} is {@code images}. */
    @Override
    public LatentPair encode(NoisePredictor model, INDArray images) {
        VisitedTimesteps.checkInput(images);
        int n = grid.count();
        INDArray next = images.castTo(DataType.DOUBLE).dup();
        // z_{n-1}: one DDIM-ODE step from the image (x0 = the image), eps predicted for the timestep reached
        INDArray current = next.mul(alpha(n - 1)).addi(DoubleStates.eps(model, next, grid.get(n - 1)).muli(sigma(n - 1)));
        for (int k = n - 1; k >= 1; k--) {
            double[] ab = coefficients(k);
            INDArray previous = next.sub(current.mul(ab[0])).subi(DoubleStates.eps(model, current, grid.get(k)).muli(ab[1])).divi(gamma);
            next = current;
            current = previous;
        }
        return new LatentPair(current, next);
    }

    /** (A, B) of step 2 at k: A = c_k,k+1 - gamma c_k,k-1, B = d_k,k+1 - gamma d_k,k-1. */
    private double[] coefficients(int k) {
        double cNext = ratio(k, k + 1);
        double cPrev = ratio(k, k - 1);
        double dNext = sigma(k + 1) - cNext * sigma(k);
        double dPrev = sigma(k - 1) - cPrev * sigma(k);
        return new double[]{cNext - gamma * cPrev, dNext - gamma * dPrev};
    }

    /** alpha_j / alpha_k. */
    private double ratio(int k, int j) {
        return alpha(j) / alpha(k);
    }

    /** alpha at the k-th visited timestep, 1 at the clean image (k = n). */
    private double alpha(int k) {
        return k == grid.count() ? 1.0 : grid.alpha(grid.get(k));
    }

    private double sigma(int k) {
        return k == grid.count() ? 0.0 : grid.sigma(grid.get(k));
    }
}
