package org.ddim4j.sampler;

import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.NoisePredictor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Any deterministic sampler made differentiable in x_T. Every sampler ddim4j has (DDIM without clipping, DPM-Solver++,
 * UniPC, Euler, Heun, EDICT, BDIA) is linear in what it is given: each network input x_k, and the sample, is
 * sum_j c_kj u_j over u = (x_T, e_0, ..., e_{K-1}), e_j the j-th network output, with coefficients that depend on the
 * schedule only. So:
 * <ol>
 *   <li>the coefficients are read off once by running the sampler on a probe: a batch of K + 1 one-pixel images in
 *       which row 0 carries x_T = 1 and the probe network answers its j-th call with 1 in row j + 1 (0 elsewhere);
 *       row r of each input, and of the output, is then the coefficient of u_r;</li>
 *   <li>a run is the sampler's own, with its network inputs and timesteps recorded;</li>
 *   <li>the backward pass, with g_e the gradients of the outputs e_j (from the sample's coefficients at first):
 *       for k = K - 1 down to 0, g_x = the network's vector-Jacobian product at (x_k, t_k) with g_e[k], then
 *       dL/dx_T += c_k0 g_x and g_e[j] += c_kj g_x for j &lt; k.</li>
 * </ol>
 * The probe runs the sampler in its own precision (float32 for most): coefficients are exact to about 1e-7 of
 * their size, ample for a gradient. A sampler that is not linear (DDIM clipping x0) is refused by the probe's check
 * that a scaled probe gives scaled coefficients.
 */
public final class UnrolledSampler implements DifferentiableSampler {
    private final Sampler sampler;
    private final double[][] inputCoefficients;    // [K][K + 1]
    private final double[] outputCoefficients;     // [K + 1]

    public UnrolledSampler(Sampler sampler) {
        this.sampler = sampler;
        int k = sampler.evaluations();
        Probe probe = new Probe(k, 1.0);
        double[] out = column(sampler.sample(probe, probe.start(), null));
        Probe scaled = new Probe(k, 2.0);
        double[] outScaled = column(sampler.sample(scaled, scaled.start(), null));
        for (int r = 0; r < out.length; r++) {
            if (Math.abs(outScaled[r] - 2 * out[r]) > 1e-4 * Math.max(1, Math.abs(out[r]))) {
                throw new IllegalArgumentException(sampler.getClass().getSimpleName()
                        + " is not linear in its noise and predictions (clipped x0?): it cannot be unrolled");
            }
        }
        if (probe.calls() != k) {
            throw new IllegalArgumentException(sampler.getClass().getSimpleName() + " made " + probe.calls()
                    + " network evaluations, not the " + k + " it counts");
        }
        this.inputCoefficients = probe.inputs.toArray(new double[0][]);
        this.outputCoefficients = out;
    }

    @Override
    public int evaluations() {
        return outputCoefficients.length - 1;
    }

    /** The sampler's own run; with {@code keepTrajectory}, {@code xs()} are the K network inputs and the sample. */
    @Override
    public SampleResult run(NoisePredictor model, INDArray xT, boolean keepTrajectory) {
        List<INDArray> inputs = new ArrayList<>();
        List<Integer> times = new ArrayList<>();
        NoisePredictor recording = (x, t) -> {
            if (keepTrajectory) {
                inputs.add(x.castTo(DataType.FLOAT).dup());
                times.add((int) t.getDouble(0));
            }
            return model.predictNoise(x, t);
        };
        INDArray sample = sampler.sample(recording, xT, null);
        int[] ts = times.stream().mapToInt(Integer::intValue).toArray();
        if (keepTrajectory) {
            inputs.add(sample);
        }
        return new SampleResult(sample, ts, new int[ts.length], inputs, List.of());
    }

    /** Step 3 of the class comment. */
    @Override
    public INDArray inputGradient(DifferentiableNoisePredictor model, SampleResult run, INDArray gradSample) {
        int k = evaluations();
        if (run.xs().size() != k + 1) {
            throw new IllegalArgumentException("the run must keep its network inputs (run with keepTrajectory)");
        }
        INDArray g = gradSample.castTo(DataType.FLOAT);
        INDArray gx = g.mul(outputCoefficients[0]);
        INDArray[] ge = new INDArray[k];
        for (int j = 0; j < k; j++) {
            ge[j] = g.mul(outputCoefficients[j + 1]);
        }
        for (int i = k - 1; i >= 0; i--) {
            INDArray x = run.xs().get(i);
            INDArray t = Nd4j.valueArrayOf(new long[]{x.size(0)}, (float) run.timesteps()[i], DataType.FLOAT);
            INDArray gInput = model.inputGradient(x, t, ge[i]);
            double[] c = inputCoefficients[i];
            gx.addi(gInput.mul(c[0]));
            for (int j = 0; j < i; j++) {
                if (c[j + 1] != 0) {
                    ge[j].addi(gInput.mul(c[j + 1]));
                }
            }
        }
        return gx;
    }

    private static double[] column(INDArray a) {
        return a.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
    }

    /** Step 1's probe network: one-hot answers, inputs recorded. */
    private static final class Probe implements NoisePredictor {
        private final int rows;
        private final double scale;
        private final List<double[]> inputs = new ArrayList<>();

        Probe(int evaluations, double scale) {
            this.rows = evaluations + 1;
            this.scale = scale;
        }

        INDArray start() {
            INDArray x = Nd4j.zeros(DataType.FLOAT, rows, 1, 1, 1);
            x.putScalar(0, 0, 0, 0, scale);
            return x;
        }

        int calls() {
            return inputs.size();
        }

        @Override
        public INDArray predictNoise(INDArray x, INDArray t) {
            inputs.add(column(x));
            INDArray e = Nd4j.zeros(DataType.FLOAT, rows, 1, 1, 1);
            if (inputs.size() < rows) {
                e.putScalar(inputs.size(), 0, 0, 0, scale);
            }
            return e;
        }
    }
}
