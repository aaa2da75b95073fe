package org.ddim4j.sampler;

import org.ddim4j.schedule.NoisePredictor;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.TimestepSpacing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * DPM-Solver++ multistep (Lu et al. 2022, "DPM-Solver++", Algorithm 2 and its third-order form), in data
 * prediction, on the timesteps of the schedule the network was trained with: one network evaluation per visited
 * timestep, as DDIM. With alpha_t = sqrt(alpha_bar_t), sigma_t = sqrt(1 - alpha_bar_t), lambda_t = log(alpha_t /
 * sigma_t) and, for a step from s to t, h = lambda_t - lambda_s:
 * <ol>
 *   <li>the data prediction m = (x_s - sigma_s eps(x_s, s)) / alpha_s, kept with the previous two;</li>
 *   <li>first order (DDIM itself): x_t = sigma_t / sigma_s x_s - alpha_t (e^-h - 1) m;</li>
 *   <li>second order ("2M"): r0 = h_0 / h (h_0 the previous step), D1 = (m - m_1) / r0,
 *       x_t = first order - alpha_t (e^-h - 1) D1 / 2;</li>
 *   <li>third order ("3M"): r1 = h_1 / h, D1_0 = (m - m_1) / r0, D1_1 = (m_1 - m_2) / r1,
 *       D1 = D1_0 + r0 / (r0 + r1) (D1_0 - D1_1), D2 = (D1_0 - D1_1) / (r0 + r1),
 *       x_t = first order + alpha_t ((e^-h - 1) / h + 1) D1 - alpha_t ((e^-h - 1 + h) / h^2 - 1/2) D2.</li>
 * </ol>
 * The order is lowered where the history is short (the first steps) and, below 15 steps, for the step to the last
 * timestep (at most second order, as diffusers does); the last step, to the clean image (sigma = 0, h infinite),
 * is the data prediction itself.
 */
public final class DpmSolverPlusPlus implements Sampler {
    private final VisitedTimesteps grid;
    private final int order;

    /**
     * @param order 2 ("2M") or 3 ("3M")
     */
    public DpmSolverPlusPlus(NoiseSchedule schedule, TimestepSpacing spacing, int steps, int order) {
        if (order != 2 && order != 3) {
            throw new IllegalArgumentException("DPM-Solver++ order must be 2 or 3, got " + order);
        }
        this.order = order;
        this.grid = new VisitedTimesteps(schedule, spacing, steps);
    }

    /** The visited timesteps, in visiting (descending) order: one network evaluation each. */
    public int[] timesteps() {
        return grid.all();
    }

    @Override
    public int evaluations() {
        return grid.count();
    }

    /** The clean images from x_T [B, C, H, W] (deterministic: {@code rng} is not used). */
    @Override
    public INDArray sample(NoisePredictor model, INDArray xT, Random rng) {
        return sample(model, xT);
    }

    /** The clean images from x_T [B, C, H, W]. */
    public INDArray sample(NoisePredictor model, INDArray xT) {
        VisitedTimesteps.checkInput(xT);
        INDArray x = xT.castTo(DataType.FLOAT).dup();
        int b = (int) x.size(0);
        List<INDArray> m = new ArrayList<>();       // data predictions, newest last
        List<Double> lambdas = new ArrayList<>();   // their lambda
        int n = grid.count();
        for (int i = 0; i < n; i++) {
            int s = grid.get(i);
            double as = grid.alpha(s);
            double ss = grid.sigma(s);
            // 1. the data prediction at s
            INDArray eps = model.predictNoise(x, Nd4j.valueArrayOf(new long[]{b}, (float) s, DataType.FLOAT));
            m.add(x.sub(eps.mul(ss)).divi(as));
            lambdas.add(Math.log(as / ss));
            if (i == n - 1) {
                return m.get(m.size() - 1);         // sigma_t = 0: the data prediction is the step's end
            }
            int t = grid.get(i + 1);
            double at = grid.alpha(t);
            double st = grid.sigma(t);
            double h = Math.log(at / st) - lambdas.get(lambdas.size() - 1);
            double phi1 = Math.expm1(-h);
            int k = Math.min(order, m.size());
            if (i == n - 2 && n < 15) {
                k = Math.min(k, 2);
            }
            INDArray m0 = m.get(m.size() - 1);
            // 2. first order
            INDArray next = x.mul(st / ss).subi(m0.mul(at * phi1));
            if (k >= 2) {
                double r0 = (lambdas.get(lambdas.size() - 1) - lambdas.get(lambdas.size() - 2)) / h;
                INDArray d10 = m0.sub(m.get(m.size() - 2)).divi(r0);
                if (k == 2) {
                    // 3. second order
                    next.subi(d10.muli(0.5 * at * phi1));
                } else {
                    // 4. third order
                    double r1 = (lambdas.get(lambdas.size() - 2) - lambdas.get(lambdas.size() - 3)) / h;
                    INDArray d11 = m.get(m.size() - 2).sub(m.get(m.size() - 3)).divi(r1);
                    INDArray diff = d10.sub(d11);
                    INDArray d1 = d10.add(diff.mul(r0 / (r0 + r1)));
                    INDArray d2 = diff.divi(r0 + r1);
                    next.addi(d1.muli(at * (phi1 / h + 1))).subi(d2.muli(at * ((phi1 + h) / (h * h) - 0.5)));
                }
            }
            x = next;
            if (m.size() > 3) {
                m.remove(0);
                lambdas.remove(0);
            }
        }
        throw new IllegalStateException("no timesteps");
    }
}
