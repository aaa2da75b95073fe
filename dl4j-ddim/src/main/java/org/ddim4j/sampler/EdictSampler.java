package org.ddim4j.sampler;

import org.ddim4j.schedule.NoisePredictor;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.TimestepSpacing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * EDICT (Wallace et al. 2023, "EDICT: Exact Diffusion Inversion via Coupled Transformations"): DDIM's deterministic
 * step applied to two coupled sequences x and y, each step an affine map of one sequence by the network's output on
 * the other, so that every step can be undone exactly (up to float32 rounding). With the visited timesteps t > t',
 * a = sqrt(alpha_bar_t' / alpha_bar_t) and b = sqrt(1 - alpha_bar_t') - a sqrt(1 - alpha_bar_t) (DDIM's
 * x_t' = a x_t + b eps), mixing p:
 * <ol>
 *   <li>denoising: x* = a x + b eps(y, t); y* = a y + b eps(x*, t); x' = p x* + (1 - p) y*;
 *       y' = p y* + (1 - p) x';</li>
 *   <li>its inverse, step by step backwards: y* = (y' - (1 - p) x') / p; x* = (x' - (1 - p) y*) / p;
 *       y = (y* - b eps(x*, t)) / a; x = (x* - b eps(y, t)) / a.</li>
 * </ol>
 * Two network evaluations per step. A latent is the pair (x_T, y_T); {@link #sample} starts from x_T = y_T and
 * returns x_0; {@link #encode} of an image gives the pair that {@link #decode} maps back to it. The two sequences
 * are kept in double precision and only the network sees float32: {@link #encode} then recomputes each network
 * input to the same float32 bits as {@link #decode} gave it (the network's own rounding cancels), so a round trip is
 * exact to double rounding, not float32's amplified by the network (kept in float32, the pair came back within
 * 40 dB on the parity network at 10 steps). Latents are therefore double [B, C, H, W] arrays.
 */
public final class EdictSampler implements InvertibleSampler {
    /** The paper's mixing weight. */
    public static final double DEFAULT_MIXING = 0.93;

    private final VisitedTimesteps grid;
    private final NoiseSchedule schedule;
    private final double p;

    /** @param mixing p in (0, 1]; 0.93 in the paper (1 decouples nothing: y only follows x) */
    public EdictSampler(NoiseSchedule schedule, TimestepSpacing spacing, int steps, double mixing) {
        if (!(mixing > 0 && mixing <= 1)) {
            throw new IllegalArgumentException("EDICT mixing must be in (0, 1], got " + mixing);
        }
        this.schedule = schedule;
        this.grid = new VisitedTimesteps(schedule, spacing, steps);
        this.p = mixing;
    }

    @Override
    public SamplerKind kind() {
        return SamplerKind.EDICT;
    }

    @Override
    public int evaluations() {
        return 2 * grid.count();
    }

    /** Generation starts both sequences at the noise: x_T = y_T = {@code xT}. */
    @Override
    public LatentPair fromNoise(NoisePredictor model, INDArray xT) {
        VisitedTimesteps.checkInput(xT);
        INDArray x = xT.castTo(DataType.DOUBLE);
        return new LatentPair(x.dup(), x.dup());
    }

    /** The x sequence's end (float32) from a latent pair (1. of the class comment). */
    @Override
    public INDArray decode(NoisePredictor model, LatentPair latent) {
        VisitedTimesteps.checkInput(latent.x());
        INDArray x = latent.x().castTo(DataType.DOUBLE).dup();
        INDArray y = latent.y().castTo(DataType.DOUBLE).dup();
        for (int i = 0; i < grid.count(); i++) {
            int t = grid.get(i);
            double[] ab = coefficients(i);
            INDArray xs = x.mul(ab[0]).addi(DoubleStates.eps(model, y, t).mul(ab[1]));
            INDArray ys = y.mul(ab[0]).addi(DoubleStates.eps(model, xs, t).mul(ab[1]));
            x = xs.mul(p).addi(ys.mul(1 - p));
            y = ys.mul(p).addi(x.mul(1 - p));
        }
        return x.castTo(DataType.FLOAT);
    }

    /** The latent pair (double) whose {@link #decode} is {@code images} [B, C, H, W], from x_0 = y_0 = images (2.). */
    @Override
    public LatentPair encode(NoisePredictor model, INDArray images) {
        VisitedTimesteps.checkInput(images);
        INDArray x = images.castTo(DataType.DOUBLE).dup();
        INDArray y = x.dup();
        for (int i = grid.count() - 1; i >= 0; i--) {
            int t = grid.get(i);
            double[] ab = coefficients(i);
            INDArray ys = y.sub(x.mul(1 - p)).divi(p);
            INDArray xs = x.sub(ys.mul(1 - p)).divi(p);
            y = ys.sub(DoubleStates.eps(model, xs, t).mul(ab[1])).divi(ab[0]);
            x = xs.sub(DoubleStates.eps(model, y, t).mul(ab[1])).divi(ab[0]);
        }
        return new LatentPair(x, y);
    }

    /** a and b of the step from the i-th visited timestep to the next (or to the clean image). */
    private double[] coefficients(int i) {
        int t = grid.get(i);
        double at = schedule.alphaBar(t);
        double aPrev = i + 1 < grid.count() ? schedule.alphaBar(grid.get(i + 1)) : 1.0;
        double a = Math.sqrt(aPrev / at);
        double b = Math.sqrt(1 - aPrev) - a * Math.sqrt(1 - at);
        return new double[]{a, b};
    }
}
