package org.ddim4j.sampler;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.ddim4j.schedule.NoisePredictor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The DDIM-ODE inversion with each step solved for its exact point, per image, with a stopping rule (AIDI: Pan et
 * al. 2023, "Effective Real Image Editing with Accelerated Iterative Diffusion Inversion"). A step from s to the
 * next larger visited t (s = -1 at the image, alpha = 1, sigma = 0), alpha = sqrt(alpha_bar), sigma =
 * sqrt(1 - alpha_bar):
 * <ol>
 *   <li>G(x) = (alpha_t / alpha_s) x_s + (sigma_t - alpha_t sigma_s / alpha_s) eps(x, t): DDIM's Eq. 12 from x_s
 *       with the noise predicted at x; the sampler's step from x_t lands exactly on x_s iff x_t = G(x_t);</li>
 *   <li>x^0 = G(x_s) (the plain DDIM-ODE step); then while an image's residual f = G(x^j) - x^j has RMS above the
 *       tolerance, at most {@code maxIterations} times:</li>
 *   <li>plain iteration: x^{j+1} = G(x^j); Anderson acceleration of depth m (Walker and Ni 2011, "Anderson
 *       acceleration for fixed-point iterations", type II, no damping): with the differences dF, dG of the last m
 *       residuals and values, theta = argmin |f^j - dF theta| (least squares, per image, by QR) and
 *       x^{j+1} = G(x^j) - dG theta;</li>
 *       Anderson's residuals do not fall monotonically (restarting the memory whenever one grew twofold converged on
 *       fewer images of FixedPointInversionTest's mixture), hence:</li>
 *   <li>the step's result is G of the iterate with the smallest residual (with tolerance 0, of the last: plain
 *       iteration is then exactly {@link DdimSampler#encode(NoisePredictor, INDArray, boolean, int)}'s); an image whose
 *       residual is above the tolerance has not converged at this step.</li>
 * </ol>
 * Only the images still iterating are sent through the network. Iterates are kept in double, the network sees float32.
 */
public final class FixedPointInversion {
    private final DdimSampler sampler;
    private final FixedPointSettings settings;

    /**
     * What the inversion found.
     *
     * @param run          x_T in {@code sample()} (float32); with a trajectory, x_t from the image to x_T
     * @param evaluations  network evaluations per image, all steps together
     * @param residual     per image, the largest final RMS residual over the steps
     * @param converged    per image, whether every step met the tolerance
     */
    public record Result(SampleResult run, int[] evaluations, double[] residual, boolean[] converged) {
    }

    public FixedPointInversion(DdimSampler sampler, FixedPointSettings settings) {
        this.sampler = sampler;
        this.settings = settings;
    }

    /** Inverts images x_0 [B, C, H, W] (model range) to their latents (steps 1-4 of the class comment). */
    public Result invert(NoisePredictor model, INDArray x0, boolean keepTrajectory) {
        VisitedTimesteps.checkInput(x0);
        int[] ascending = sampler.timesteps().clone();
        Arrays.sort(ascending);
        int n = ascending.length;
        int b = (int) x0.size(0);
        long[] shape = x0.shape();
        int d = (int) (x0.length() / b);
        int[] evaluations = new int[b];
        double[] worst = new double[b];
        boolean[] converged = new boolean[b];
        Arrays.fill(converged, true);
        double[][] x = x0.castTo(DataType.DOUBLE).reshape(b, d).toDoubleMatrix();
        List<INDArray> xs = new ArrayList<>();
        int[] from = new int[n];
        if (keepTrajectory) {
            xs.add(x0.castTo(DataType.FLOAT).dup());
        }
        for (int k = 0; k < n; k++) {
            from[k] = k == 0 ? -1 : ascending[k - 1];
            int t = ascending[k];
            double as = Math.sqrt(sampler.schedule().alphaBar(from[k]));
            double at = Math.sqrt(sampler.schedule().alphaBar(t));
            double ss = Math.sqrt(1 - (double) sampler.schedule().alphaBar(from[k]));
            double st = Math.sqrt(1 - (double) sampler.schedule().alphaBar(t));
            Step step = new Step(model, x, t, at / as, st - at * ss / as, shape);
            x = step.solve(evaluations, worst, converged);
            if (keepTrajectory) {
                xs.add(toArray(x, shape));
            }
        }
        INDArray latent = toArray(x, shape);
        return new Result(new SampleResult(latent, ascending, from, xs, List.of()), evaluations, worst, converged);
    }

    /** One step's fixed-point problem for the whole batch. */
    private final class Step {
        private final NoisePredictor model;
        private final double[][] xs;
        private final int t;
        private final double a;
        private final double c;
        private final long[] shape;

        Step(NoisePredictor model, double[][] xs, int t, double a, double c, long[] shape) {
            this.model = model;
            this.xs = xs;
            this.t = t;
            this.a = a;
            this.c = c;
            this.shape = shape;
        }

        double[][] solve(int[] evaluations, double[] worst, boolean[] converged) {
            int b = xs.length;
            int d = xs[0].length;
            double[][] g = map(xs, all(b), evaluations);                   // 2. x^0 = G(x_s)
            double[][] current = g.clone();
            double[][] residual = new double[b][];
            List<Deque<double[][]>> history = new ArrayList<>();          // per image: (x^j, G(x^j)) pairs, newest last
            for (int i = 0; i < b; i++) {
                history.add(new ArrayDeque<>());
            }
            int[] active = all(b);
            double[][] best = new double[b][];                             // per image: G(x) of the smallest residual
            double[] bestRms = new double[b];
            Arrays.fill(bestRms, Double.POSITIVE_INFINITY);
            for (int it = 0; it < settings.maxIterations() && active.length > 0; it++) {
                double[][] values = map(current, active, evaluations);
                List<Integer> still = new ArrayList<>();
                for (int j = 0; j < active.length; j++) {
                    int i = active[j];
                    double[] f = minus(values[j], current[i]);
                    double r = rms(f);
                    if (r < bestRms[i] || settings.tolerance() == 0) {
                        bestRms[i] = r;
                        best[i] = values[j];
                        residual[i] = f;
                    }
                    if (settings.tolerance() > 0 && r <= settings.tolerance()) {
                        continue;                                          // 4. converged
                    }
                    still.add(i);
                    current[i] = next(history.get(i), current[i], values[j], f);   // 3.
                }
                active = still.stream().mapToInt(Integer::intValue).toArray();
            }
            for (int i = 0; i < b; i++) {
                if (best[i] != null) {
                    g[i] = best[i];
                }
            }
            for (int i = 0; i < b; i++) {
                if (residual[i] == null) {                                 // no iterations: nothing measured
                    worst[i] = Double.NaN;
                    converged[i] = false;
                    continue;
                }
                double r = rms(residual[i]);
                worst[i] = Math.max(worst[i], r);
                converged[i] &= r <= settings.tolerance();
            }
            return g;
        }

        /** 3. the next iterate of one image from its latest x^j, G(x^j) and residual f. */
        private double[] next(Deque<double[][]> history, double[] x, double[] gx, double[] f) {
            int m = settings.depth();
            if (m == 0) {
                return gx;
            }
            history.addLast(new double[][]{x, gx, f});
            if (history.size() > m + 1) {
                history.removeFirst();
            }
            int cols = history.size() - 1;
            if (cols == 0) {
                return gx;
            }
            @SuppressWarnings("unchecked")
            double[][][] h = history.toArray(new double[0][][]);
            int d = x.length;
            double[][] dF = new double[d][cols];
            double[][] dG = new double[cols][];
            for (int k = 0; k < cols; k++) {
                double[] f0 = h[k][2];
                double[] f1 = h[k + 1][2];
                for (int r = 0; r < d; r++) {
                    dF[r][k] = f1[r] - f0[r];
                }
                dG[k] = minus(h[k + 1][1], h[k][1]);
            }
            RealVector theta;
            try {
                theta = new QRDecomposition(new Array2DRowRealMatrix(dF, false), 1e-12).getSolver()
                        .solve(new ArrayRealVector(f, false));
            } catch (org.apache.commons.math3.linear.SingularMatrixException e) {
                history.clear();                                           // restart from plain iteration
                return gx;
            }
            double[] out = gx.clone();
            for (int k = 0; k < cols; k++) {
                double w = theta.getEntry(k);
                for (int r = 0; r < d; r++) {
                    out[r] -= w * dG[k][r];
                }
            }
            return out;
        }

        /** 1. G of the images {@code which} of {@code x}: one network evaluation each. */
        private double[][] map(double[][] x, int[] which, int[] evaluations) {
            int d = x[0].length;
            double[][] in = new double[which.length][];
            double[][] base = new double[which.length][];
            for (int j = 0; j < which.length; j++) {
                in[j] = x[which[j]];
                base[j] = xs[which[j]];
                evaluations[which[j]]++;
            }
            long[] s = shape.clone();
            s[0] = which.length;
            INDArray input = Nd4j.createFromArray(in).castTo(DataType.FLOAT).reshape(s);
            double[][] eps = model.predictNoise(input, Nd4j.valueArrayOf(new long[]{which.length}, (float) t, DataType.FLOAT))
                    .castTo(DataType.DOUBLE).reshape(which.length, d).toDoubleMatrix();
            for (int j = 0; j < which.length; j++) {
                for (int r = 0; r < d; r++) {
                    eps[j][r] = a * base[j][r] + c * eps[j][r];
                }
            }
            return eps;
        }
    }

    private static int[] all(int b) {
        int[] out = new int[b];
        for (int i = 0; i < b; i++) {
            out[i] = i;
        }
        return out;
    }

    private static double[] minus(double[] p, double[] q) {
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i] - q[i];
        }
        return out;
    }

    private static double rms(double[] f) {
        double s = 0;
        for (double v : f) {
            s += v * v;
        }
        return Math.sqrt(s / f.length);
    }

    private static INDArray toArray(double[][] x, long[] shape) {
        return Nd4j.createFromArray(x).castTo(DataType.FLOAT).reshape(shape);
    }
}
