package org.ddim4j.sampler;

import org.ddim4j.schedule.NoisePredictor;
import org.ddim4j.schedule.NoiseSchedule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Data whose ideal noise predictor is known in closed form: a mixture of isotropic Gaussians in d dimensions
 * (weights w_k, means mu_k, variances s_k^2), with images [B, d, 1, 1]. Under q(x_t | x_0) with alpha_bar = a:
 * <ol>
 *   <li>p_t(x) = sum_k w_k N(x; sqrt(a) mu_k, v_k I), v_k = a s_k^2 + 1 - a;</li>
 *   <li>grad log p_t(x) = sum_k r_k(x) (sqrt(a) mu_k - x) / v_k, r_k the components' posterior weights;</li>
 *   <li>eps*(x, t) = -sqrt(1 - a) grad log p_t(x) (Song et al. 2021: the noise predictor that minimises the loss).</li>
 * </ol>
 * {@link #solveFlow} integrates DDIM's probability-flow ODE (Song et al. 2021, DDIM Eq. 14): with
 * x_bar = x / sqrt(a) and sigma = sqrt((1 - a) / a), d x_bar / d sigma = eps*(sqrt(a) x_bar, a), whose Euler steps on
 * the schedule's grid are exactly DDIM's (eta 0).
 */
final class GaussianMixture implements NoisePredictor {
    private final double[] weights;
    private final double[][] means;
    private final double[] variances;
    private final NoiseSchedule schedule;

    GaussianMixture(double[] weights, double[][] means, double[] variances, NoiseSchedule schedule) {
        this.weights = weights.clone();
        this.means = means.clone();
        this.variances = variances.clone();
        this.schedule = schedule;
    }

    int dimension() {
        return means[0].length;
    }

    /** eps* at the schedule's discrete timesteps; computed in double, returned in float32. */
    @Override
    public INDArray predictNoise(INDArray x, INDArray t) {
        int b = (int) x.size(0);
        int d = dimension();
        double[][] xs = x.reshape(b, d).castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] out = new double[b][];
        for (int i = 0; i < b; i++) {
            out[i] = eps(xs[i], schedule.alphaBar((int) t.getDouble(i)));
        }
        return Nd4j.createFromArray(out).castTo(DataType.FLOAT).reshape(x.shape());
    }

    /** eps*(x) at alpha_bar = a, steps 1-3 of the class comment. */
    double[] eps(double[] x, double a) {
        int k = weights.length;
        int d = x.length;
        double[] logits = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        double[] v = new double[k];
        for (int c = 0; c < k; c++) {
            v[c] = a * variances[c] + 1 - a;
            double sq = 0;
            for (int j = 0; j < d; j++) {
                double r = x[j] - Math.sqrt(a) * means[c][j];
                sq += r * r;
            }
            logits[c] = Math.log(weights[c]) - 0.5 * d * Math.log(v[c]) - sq / (2 * v[c]);
            max = Math.max(max, logits[c]);
        }
        double total = 0;
        for (int c = 0; c < k; c++) {
            logits[c] = Math.exp(logits[c] - max);
            total += logits[c];
        }
        double[] eps = new double[d];
        for (int c = 0; c < k; c++) {
            double r = logits[c] / total;
            for (int j = 0; j < d; j++) {
                double score = r * (Math.sqrt(a) * means[c][j] - x[j]) / v[c];
                eps[j] -= Math.sqrt(1 - a) * score;
            }
        }
        return eps;
    }

    /**
     * The probability-flow ODE from x at alpha_bar {@code aStart} to the clean image (sigma = 0), by classical RK4 in
     * u = ln(1 + sigma) (sigma = e^u - 1: d x_bar / du = e^u eps*), {@code steps} equal steps.
     */
    double[] solveFlow(double[] x, double aStart, int steps) {
        return solveFlow(x, aStart, 1.0, steps);
    }

    /**
     * The flow from x at alpha_bar {@code aStart} to alpha_bar {@code aEnd}, then the data prediction there:
     * x_bar - sigma eps*(x) (the step every sampler takes last, from its last timestep to the clean image).
     */
    double[] solveFlowThenDenoise(double[] x, double aStart, double aEnd, int steps) {
        double[] xb = solveFlow(x, aStart, aEnd, steps);
        double[] xe = new double[xb.length];
        for (int j = 0; j < xb.length; j++) {
            xe[j] = Math.sqrt(aEnd) * xb[j];
        }
        double[] e = eps(xe, aEnd);
        double sigma = Math.sqrt((1 - aEnd) / aEnd);
        for (int j = 0; j < xb.length; j++) {
            xb[j] -= sigma * e[j];
        }
        return xb;
    }

    /** x_bar at alpha_bar {@code aEnd} on the flow from x at {@code aStart}: RK4 in u, as above. */
    double[] solveFlow(double[] x, double aStart, double aEnd, int steps) {
        int d = x.length;
        double[] xb = new double[d];
        for (int j = 0; j < d; j++) {
            xb[j] = x[j] / Math.sqrt(aStart);
        }
        double u0 = Math.log1p(Math.sqrt((1 - aStart) / aStart));
        double uEnd = Math.log1p(Math.sqrt((1 - aEnd) / aEnd));
        double h = (uEnd - u0) / steps;
        double u = u0;
        for (int s = 0; s < steps; s++) {
            double[] k1 = drift(xb, u);
            double[] k2 = drift(axpy(xb, k1, h / 2), u + h / 2);
            double[] k3 = drift(axpy(xb, k2, h / 2), u + h / 2);
            double[] k4 = drift(axpy(xb, k3, h), u + h);
            for (int j = 0; j < d; j++) {
                xb[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
            }
            u += h;
        }
        return xb;
    }

    /** d x_bar / du at u: e^u eps*(sqrt(a) x_bar, a) with sigma = e^u - 1, a = 1 / (1 + sigma^2). */
    private double[] drift(double[] xb, double u) {
        double sigma = Math.expm1(u);
        double a = 1 / (1 + sigma * sigma);
        double[] x = new double[xb.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = Math.sqrt(a) * xb[j];
        }
        double[] e = eps(x, a);
        for (int j = 0; j < e.length; j++) {
            e[j] *= Math.exp(u);
        }
        return e;
    }

    private static double[] axpy(double[] x, double[] k, double h) {
        double[] y = x.clone();
        for (int j = 0; j < y.length; j++) {
            y[j] += h * k[j];
        }
        return y;
    }
}
