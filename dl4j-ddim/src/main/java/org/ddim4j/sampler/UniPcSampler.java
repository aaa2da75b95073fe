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
 * UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework"), multistep, in data prediction with
 * B(h) = e^-h - 1 (their "bh2"), corrector on: one network evaluation per visited timestep, as DDIM, and order p + 1
 * for the predictor's order p. With alpha, sigma, lambda as in {@link DpmSolverPlusPlus} and, for a step from s0 to t,
 * h = lambda_t - lambda_s0, the data predictions m_k at the earlier timesteps s_k, r_k = (lambda_s_k - lambda_s0) / h
 * and D_k = (m_k - m0) / r_k:
 * <ol>
 *   <li>the coefficients (Algorithm 2 of the paper): for i = 1..p, the rows R_i = (r_1^(i-1), ..., r_{p-1}^(i-1), 1)
 *       and b_i = i! phi_{i+1}(-h) h^... computed by the recursion h_phi_1 = e^-h - 1, h_phi_k = h_phi_1 / (-h) - 1,
 *       b_i = h_phi_k i! / B(h), then h_phi_k = h_phi_k / (-h) - 1 / (i + 1)!;</li>
 *   <li>predictor UniP-p: rho solves R[:p-1, :p-1] rho = b[:p-1] (rho = 1/2 for p = 2);
 *       x_t = sigma_t / sigma_s0 x_s0 - alpha_t h_phi_1 m0 - alpha_t B(h) sum_k rho_k D_k;</li>
 *   <li>corrector UniC-p, once the model has been evaluated at x_t (m_t, the next step's evaluation, reused):
 *       rho solves R rho = b (rho = 1/2 for p = 1); x_t = sigma_t / sigma_s0 x_s0 - alpha_t h_phi_1 m0
 *       - alpha_t B(h) (sum_k rho_k D_k + rho_p (m_t - m0)).</li>
 * </ol>
 * The order is lowered where the history is short (the first steps) and where few steps remain (as diffusers'
 * lower_order_final); the last step, to the clean image, is the data prediction itself, so the corrector of the last
 * visited timestep does not change the result.
 */
public final class UniPcSampler implements Sampler {
    private final VisitedTimesteps grid;
    private final int order;

    /** @param order the predictor's order p, 1 to 3 (UniPC-p is of order p + 1) */
    public UniPcSampler(NoiseSchedule schedule, TimestepSpacing spacing, int steps, int order) {
        if (order < 1 || order > 3) {
            throw new IllegalArgumentException("UniPC order must be 1, 2 or 3, got " + order);
        }
        this.order = order;
        this.grid = new VisitedTimesteps(schedule, spacing, steps);
    }

    @Override
    public int evaluations() {
        return grid.count();
    }

    @Override
    public INDArray sample(NoisePredictor model, INDArray xT, Random rng) {
        VisitedTimesteps.checkInput(xT);
        int n = grid.count();
        int b = (int) xT.size(0);
        INDArray x = xT.castTo(DataType.FLOAT).dup();
        List<INDArray> m = new ArrayList<>();
        List<Integer> ts = new ArrayList<>();
        INDArray last = null;
        int lastOrder = 0;
        for (int i = 0; i < n; i++) {
            int t = grid.get(i);
            INDArray eps = model.predictNoise(x, Nd4j.valueArrayOf(new long[]{b}, (float) t, DataType.FLOAT));
            INDArray mt = x.sub(eps.mul(grid.sigma(t))).divi(grid.alpha(t));
            if (last != null) {
                // 3. the corrector of the previous step, with this step's evaluation
                x = update(last, m, ts, t, lastOrder, mt);
            }
            m.add(mt);
            ts.add(t);
            if (m.size() > order) {
                m.remove(0);
                ts.remove(0);
            }
            if (i == n - 1) {
                return mt;                                  // sigma = 0: the data prediction is the end
            }
            int p = Math.min(Math.min(order, m.size()), n - i);
            last = x;
            lastOrder = p;
            // 2. the predictor to the next timestep
            x = update(x, m, ts, grid.get(i + 1), p, null);
        }
        throw new IllegalStateException("no timesteps");
    }

    /**
     * UniP-p from x (at the newest timestep of the history) to t when {@code mt} is null; UniC-p of the step from x
     * to t, with the evaluation {@code mt} at t, otherwise. Steps 1-3 of the class comment.
     */
    private INDArray update(INDArray x, List<INDArray> m, List<Integer> ts, int t, int p, INDArray mt) {
        int s0 = ts.get(ts.size() - 1);
        INDArray m0 = m.get(m.size() - 1);
        double at = grid.alpha(t);
        double h = grid.lambda(t) - grid.lambda(s0);
        double hh = -h;
        double hPhi1 = Math.expm1(hh);
        double bh = Math.expm1(hh);
        // 1. r_k, D_k and the system R rho = b
        int k = p - 1;
        double[] r = new double[p];
        List<INDArray> d = new ArrayList<>();
        for (int j = 1; j <= k; j++) {
            r[j - 1] = (grid.lambda(ts.get(ts.size() - 1 - j)) - grid.lambda(s0)) / h;
            d.add(m.get(m.size() - 1 - j).sub(m0).divi(r[j - 1]));
        }
        r[p - 1] = 1.0;
        double[][] rows = new double[p][p];
        double[] rhs = new double[p];
        double hPhiK = hPhi1 / hh - 1;
        double factorial = 1;
        for (int i = 1; i <= p; i++) {
            for (int j = 0; j < p; j++) {
                rows[i - 1][j] = Math.pow(r[j], i - 1);
            }
            rhs[i - 1] = hPhiK * factorial / bh;
            factorial *= i + 1;
            hPhiK = hPhiK / hh - 1 / factorial;
        }
        INDArray next = x.mul(grid.sigma(t) / grid.sigma(s0)).subi(m0.mul(at * hPhi1));
        INDArray residual = null;
        if (mt == null) {
            // 2. predictor
            if (k > 0) {
                double[] rho = k == 1 ? new double[]{0.5} : solve(rows, rhs, k);
                residual = weighted(d, rho, k);
            }
        } else {
            // 3. corrector
            double[] rho = p == 1 ? new double[]{0.5} : solve(rows, rhs, p);
            residual = mt.sub(m0).muli(rho[p - 1]);
            if (k > 0) {
                residual.addi(weighted(d, rho, k));
            }
        }
        if (residual != null) {
            next.subi(residual.muli(at * bh));
        }
        return next;
    }

    private static INDArray weighted(List<INDArray> d, double[] rho, int k) {
        INDArray sum = d.get(0).mul(rho[0]);
        for (int j = 1; j < k; j++) {
            sum.addi(d.get(j).mul(rho[j]));
        }
        return sum;
    }

    /** The first n unknowns of the leading n x n block of rows x = rhs, by Gaussian elimination with pivoting. */
    static double[] solve(double[][] rows, double[] rhs, int n) {
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, a[i], 0, n);
            a[i][n] = rhs[i];
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(a[i][c]) > Math.abs(a[pivot][c])) {
                    pivot = i;
                }
            }
            double[] tmp = a[c];
            a[c] = a[pivot];
            a[pivot] = tmp;
            for (int i = c + 1; i < n; i++) {
                double f = a[i][c] / a[c][c];
                for (int j = c; j <= n; j++) {
                    a[i][j] -= f * a[c][j];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = a[i][n];
            for (int j = i + 1; j < n; j++) {
                s -= a[i][j] * x[j];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }
}
