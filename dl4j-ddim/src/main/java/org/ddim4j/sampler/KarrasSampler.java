package org.ddim4j.sampler;

import org.ddim4j.schedule.NoisePredictor;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.TimestepSpacing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Euler and Heun on the probability-flow ODE in sigma (Karras et al. 2022, Algorithm 1 without churn): with
 * x_bar = x / sqrt(alpha_bar) and sigma = sqrt((1 - alpha_bar) / alpha_bar), d x_bar / d sigma = eps(x, t(sigma)),
 * over the noise levels of the visited timesteps (any {@link TimestepSpacing}, {@link TimestepSpacing#KARRAS}
 * among them) and then sigma = 0:
 * <ol>
 *   <li>d = eps(x_i, t_i); the Euler step x_bar' = x_bar_i + (sigma_{i+1} - sigma_i) d (which is DDIM's step);</li>
 *   <li>Heun: where sigma_{i+1} > 0, d' = eps(x', t_{i+1}) and x_bar_{i+1} = x_bar_i + (sigma_{i+1} - sigma_i) (d + d') / 2
 *       (the trapezoid rule: second order; the step to sigma = 0 stays Euler).</li>
 * </ol>
 * Heun evaluates the network 2 S - 1 times for S timesteps, Euler S times.
 */
public final class KarrasSampler implements Sampler {
    private final VisitedTimesteps grid;
    private final boolean heun;

    /** @param heun Heun's second-order step; false: Euler's */
    public KarrasSampler(NoiseSchedule schedule, TimestepSpacing spacing, int steps, boolean heun) {
        this.heun = heun;
        this.grid = new VisitedTimesteps(schedule, spacing, steps);
    }

    @Override
    public int evaluations() {
        return heun ? 2 * grid.count() - 1 : grid.count();
    }

    /** The visited timesteps, in visiting (descending) order. */
    public int[] timesteps() {
        return grid.all();
    }

    @Override
    public INDArray sample(NoisePredictor model, INDArray xT, Random rng) {
        VisitedTimesteps.checkInput(xT);
        int n = grid.count();
        double sigma0 = grid.odeSigma(grid.get(0));
        INDArray xBar = xT.castTo(DataType.FLOAT).mul(Math.sqrt(1 + sigma0 * sigma0));
        for (int i = 0; i < n; i++) {
            double sigma = grid.odeSigma(grid.get(i));
            double next = i + 1 < n ? grid.odeSigma(grid.get(i + 1)) : 0.0;
            // 1. d = eps(x_i, t_i), the Euler step
            INDArray d = eps(model, xBar, sigma, grid.get(i));
            INDArray euler = xBar.add(d.mul(next - sigma));
            if (!heun || i + 1 == n) {
                xBar = euler;
                continue;
            }
            // 2. Heun's correction with the slope at the Euler step's end
            INDArray dNext = eps(model, euler, next, grid.get(i + 1));
            xBar = xBar.add(d.addi(dNext).muli(0.5 * (next - sigma)));
        }
        return xBar;
    }

    /** eps at x = x_bar / sqrt(1 + sigma^2) (= x_bar sqrt(alpha_bar_t)), timestep t. */
    private static INDArray eps(NoisePredictor model, INDArray xBar, double sigma, int t) {
        INDArray x = xBar.mul(1 / Math.sqrt(1 + sigma * sigma));
        return model.predictNoise(x, Nd4j.valueArrayOf(new long[]{x.size(0)}, (float) t, DataType.FLOAT));
    }
}
