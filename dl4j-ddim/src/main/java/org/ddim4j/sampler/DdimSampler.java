package org.ddim4j.sampler;

import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.NoisePredictor;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.random.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DDIM sampler (Song, Meng and Ermon, "Denoising Diffusion Implicit Models", ICLR 2021): a pure
 * function of the noise schedule, the visited timesteps, eta and a noise predictor.
 *
 * <p>One step from t to the next visited timestep s (s = -1 after the last, alpha_bar(-1) = 1), with
 * a_t = alpha_bar(t):
 * <ol>
 *   <li>eps = model(x_t, t)</li>
 *   <li>x0 = (x_t - sqrt(1 - a_t) eps) / sqrt(a_t): the "predicted x0" of Eq. 12; clamped to [-1, 1] if asked</li>
 *   <li>sigma = eta sqrt((1 - a_s) / (1 - a_t)) sqrt(1 - a_t / a_s): Eq. 16 (eta = 0 is deterministic)</li>
 *   <li>x_s = sqrt(a_s) x0 + sqrt(1 - a_s - sigma^2) eps + sigma z, z ~ N(0, I): Eq. 12</li>
 * </ol>
 * With eta = 0 the result is a deterministic function of x_T, bit-for-bit repeatable.
 */
public final class DdimSampler implements Sampler, DifferentiableSampler {
    private final NoiseSchedule schedule;
    private final int[] ascending;
    private final double eta;
    private final boolean clipX0;

    public DdimSampler(NoiseSchedule schedule, TimestepSpacing spacing, int steps, double eta, boolean clipX0) {
        this(schedule, spacing.timesteps(schedule, steps), eta, clipX0);
    }

    /** A sampler visiting the given timesteps (ascending, each in [0, T)) from the last to the first. */
    public DdimSampler(NoiseSchedule schedule, int[] ascendingTimesteps, double eta, boolean clipX0) {
        if (!(eta >= 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("eta must be a finite number >= 0, got " + eta);
        }
        if (ascendingTimesteps.length == 0) {
            throw new IllegalArgumentException("no timesteps to visit");
        }
        for (int i = 0; i < ascendingTimesteps.length; i++) {
            int t = ascendingTimesteps[i];
            if (t < 0 || t >= schedule.numSteps() || (i > 0 && t < ascendingTimesteps[i - 1])) {
                throw new IllegalArgumentException("timesteps must be ascending within [0, " + schedule.numSteps()
                        + "), got " + Arrays.toString(ascendingTimesteps));
            }
        }
        this.schedule = schedule;
        this.ascending = ascendingTimesteps.clone();
        this.eta = eta;
        this.clipX0 = clipX0;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    public double eta() {
        return eta;
    }

    public boolean clipX0() {
        return clipX0;
    }

    /** The visited timesteps in visiting (descending) order. */
    public int[] timesteps() {
        int n = ascending.length;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = ascending[n - 1 - i];
        }
        return out;
    }

    /** For each visited timestep, the one it moves to: the previous one in ascending order, or -1. */
    public int[] nextTimesteps() {
        int n = ascending.length;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int k = n - 1 - i;
            out[i] = k == 0 ? -1 : ascending[k - 1];
        }
        return out;
    }

    @Override
    public int evaluations() {
        return numSteps();
    }

    public int numSteps() {
        return ascending.length;
    }

    /** Samples from x_T; {@code rng} may be null when eta = 0. The input is not modified. */
    @Override
    public INDArray sample(NoisePredictor model, INDArray xT, Random rng) {
        return run(model, xT, rng, false).sample();
    }

    /** A deterministic run (eta 0 needs no noise), keeping every x_t for {@link #inputGradient} if asked. */
    @Override
    public SampleResult run(NoisePredictor model, INDArray xT, boolean keepTrajectory) {
        return run(model, xT, null, keepTrajectory);
    }

    /** Samples from x_T, optionally keeping every x_t and predicted x0. */
    public SampleResult run(NoisePredictor model, INDArray xT, Random rng, boolean keepTrajectory) {
        VisitedTimesteps.checkInput(xT);
        if (eta > 0 && rng == null) {
            throw new IllegalArgumentException("eta > 0 needs a random generator for the noise");
        }
        int[] ts = timesteps();
        int[] next = nextTimesteps();
        List<INDArray> xs = new ArrayList<>();
        List<INDArray> x0s = new ArrayList<>();
        INDArray x = xT.castTo(DataType.FLOAT).dup();
        if (keepTrajectory) {
            xs.add(x.dup());
        }
        for (int i = 0; i < ts.length; i++) {
            // eta > 0: the step's noise is a function of the generator's seed and the step (ND4J's own draws from a
            // seeded generator are not repeatable; Seeds' are)
            INDArray noise = eta > 0 ? Seeds.gaussian(Seeds.mix(rng.getSeed(), i), x.shape()) : null;
            Step step = step(model, x, ts[i], next[i], noise);
            x = step.xNext();
            if (keepTrajectory) {
                xs.add(x.dup());
                x0s.add(step.x0());
            }
        }
        return new SampleResult(x, ts, next, xs, x0s);
    }

    /** The result of one DDIM step. */
    public record Step(INDArray xNext, INDArray x0, INDArray eps) {
    }

    /** One DDIM step from t to tNext (see the class comment); {@code noise} may be null when eta = 0. */
    public Step step(NoisePredictor model, INDArray x, int t, int tNext, INDArray noise) {
        Coefficients c = coefficients(t, tNext);
        // 1. eps = model(x_t, t), the network seeing t as float32
        INDArray tBatch = Nd4j.valueArrayOf(new long[]{x.size(0)}, (float) t, DataType.FLOAT);
        INDArray eps = model.predictNoise(x, tBatch);
        // 2. predicted x0, Eq. 12
        INDArray x0 = x.sub(eps.mul(c.sqrtOneMinusAt)).divi(c.sqrtAt);
        if (clipX0) {
            x0 = Transforms.min(Transforms.max(x0, -1.0, false), 1.0, false);
        }
        // 3.-4. x_s = sqrt(a_s) x0 + sigma z + sqrt(1 - a_s - sigma^2) eps
        INDArray xNext = x0.mul(c.sqrtAtNext);
        if (c.sigma > 0) {
            if (noise == null) {
                throw new IllegalArgumentException("eta > 0 needs noise for each step");
            }
            xNext.addi(noise.mul(c.sigma));
        }
        xNext.addi(eps.mul(c.dirCoef));
        return new Step(xNext, x0, eps);
    }

    /**
     * DDIM-ODE inversion (the DDIM paper's Sections 4.3 and 5.4): the deterministic sampler run backwards,
     * from an image x_0 to its latent x_T, over this sampler's timesteps in ascending order (eta is taken as 0
     * and x0 is not clamped, whatever this sampler's settings). Equivalent to
     * {@link #encode(NoisePredictor, INDArray, boolean, int) encode(model, x0, keepTrajectory, 0)}.
     */
    public SampleResult encode(NoisePredictor model, INDArray x0, boolean keepTrajectory) {
        return encode(model, x0, keepTrajectory, 0);
    }

    /**
     * DDIM-ODE inversion, optionally made exact by fixed-point iteration. One step from s to the next larger
     * visited t (s = -1 at the start, alpha_bar(-1) = 1), a_t = alpha_bar(t):
     * <ol>
     *   <li>eps = model(x_s, t): the noise is predicted at the point being left, for the timestep being
     *       reached (the step's own x_t is not known yet: this is the Euler step of Eq. 14's ODE)</li>
     *   <li>x0 = (x_s - sqrt(1 - a_s) eps) / sqrt(a_s): Eq. 12's predicted x0 (x_0 itself at the start)</li>
     *   <li>x_t = sqrt(a_t) x0 + sqrt(1 - a_t) eps: Eq. 12 with sigma = 0</li>
     *   <li>{@code fixedPointIterations} times: eps = model(x_t, t) and steps 2-3 again. The sampler's step from
     *       x_t lands exactly on x_s when eps is the network's at x_t itself, so x_t is the fixed point of this
     *       map (the iteration of AIDI, Pan et al. 2023, "Effective Real Image Editing with Accelerated Iterative
     *       Diffusion Inversion"); each iteration costs one more network evaluation per step.</li>
     * </ol>
     * Sampling the result with the same sampler (eta 0) gives x_0 back up to the discretisation error, which
     * shrinks as the number of steps grows, and, with fixed-point iterations, as they converge.
     *
     * @return the run: {@code sample()} is x_T; with {@code keepTrajectory}, {@code xs()} from x_0 to x_T
     */
    public SampleResult encode(NoisePredictor model, INDArray x0, boolean keepTrajectory, int fixedPointIterations) {
        VisitedTimesteps.checkInput(x0);
        if (fixedPointIterations < 0) {
            throw new IllegalArgumentException("fixed-point iterations must be >= 0, got " + fixedPointIterations);
        }
        int n = ascending.length;
        int[] from = new int[n];
        int[] to = new int[n];
        List<INDArray> xs = new ArrayList<>();
        List<INDArray> x0s = new ArrayList<>();
        INDArray x = x0.castTo(DataType.FLOAT).dup();
        if (keepTrajectory) {
            xs.add(x.dup());
        }
        for (int k = 0; k < n; k++) {
            from[k] = k == 0 ? -1 : ascending[k - 1];
            to[k] = ascending[k];
            float as = schedule.alphaBar(from[k]);
            float at = schedule.alphaBar(to[k]);
            INDArray tBatch = Nd4j.valueArrayOf(new long[]{x.size(0)}, (float) to[k], DataType.FLOAT);
            INDArray xt = x;
            INDArray pred = null;
            for (int it = 0; it <= fixedPointIterations; it++) {
                // 1. (4.) eps = model(x_s, t), then model(x_t, t) at the current estimate of x_t
                INDArray eps = model.predictNoise(xt, tBatch);
                // 2. predicted x0, Eq. 12
                pred = x.sub(eps.mul((float) Math.sqrt(1.0f - as))).divi((float) Math.sqrt(as));
                // 3. x_t = sqrt(a_t) x0 + sqrt(1 - a_t) eps
                xt = pred.mul((float) Math.sqrt(at)).addi(eps.muli((float) Math.sqrt(1.0f - at)));
            }
            x = xt;
            if (keepTrajectory) {
                xs.add(x.dup());
                x0s.add(pred);
            }
        }
        return new SampleResult(x, to, from, xs, x0s);
    }

    /**
     * Reverse-mode gradient through a run of this sampler: given the trajectory of a run (its {@code xs}) and
     * dL/dx_final, returns dL/dx_T. Only the input is differentiated: the network's weights are constants, and
     * so is the noise of an eta > 0 run (it is added, so the gradient does not depend on it).
     */
    @Override
    public INDArray inputGradient(DifferentiableNoisePredictor model, SampleResult trajectory, INDArray gradFinal) {
        int[] ts = trajectory.timesteps();
        int[] next = trajectory.nextTimesteps();
        if (trajectory.xs().size() != ts.length + 1) {
            throw new IllegalArgumentException("the trajectory must keep every x_t (run with keepTrajectory)");
        }
        INDArray g = gradFinal.castTo(DataType.FLOAT).dup();
        for (int i = ts.length - 1; i >= 0; i--) {
            Coefficients c = coefficients(ts[i], next[i]);
            INDArray x = trajectory.xs().get(i);
            // x_s = sqrt(a_s) clip(x0) + dir eps (+ sigma z), x0 = (x - sqrt(1 - a_t) eps) / sqrt(a_t)
            INDArray gX0 = g.mul(c.sqrtAtNext);
            if (clipX0) {
                INDArray x0 = trajectory.x0Predictions().get(i);
                INDArray inside = Transforms.abs(x0, true).lte(1.0).castTo(DataType.FLOAT);
                gX0.muli(inside);
            }
            INDArray gEps = g.mul(c.dirCoef).subi(gX0.mul(c.sqrtOneMinusAt / c.sqrtAt));
            INDArray tBatch = Nd4j.valueArrayOf(new long[]{x.size(0)}, (float) ts[i], DataType.FLOAT);
            g = gX0.divi(c.sqrtAt).addi(model.inputGradient(x, tBatch, gEps));
        }
        return g;
    }

    private record Coefficients(float sqrtAt, float sqrtOneMinusAt, float sqrtAtNext, float sigma, float dirCoef) {
    }

    private Coefficients coefficients(int t, int tNext) {
        float at = schedule.alphaBar(t);
        float an = schedule.alphaBar(tNext);
        // Eq. 16: sigma_t(eta) = eta sqrt((1 - a_s)/(1 - a_t)) sqrt(1 - a_t/a_s)
        float sigma = (float) (eta * Math.sqrt((1.0f - an) / (1.0f - at)) * Math.sqrt(1.0f - at / an));
        float dir = (float) Math.sqrt(Math.max(0.0f, (1.0f - an) - sigma * sigma));
        return new Coefficients((float) Math.sqrt(at), (float) Math.sqrt(1.0f - at), (float) Math.sqrt(an), sigma, dir);
    }
}
