package org.ddim4j.invert;

import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.DifferentiableSampler;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.sampler.SampleResult;
import org.ddim4j.optim.AdamOptimizer;
import org.ddim4j.optim.NesterovSgd;
import org.ddim4j.optim.ParameterOptimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Optimisation-based inversion (the seed's method): the latent z is a free variable, the frozen network and
 * the unrolled S-step deterministic sampler map it to an image, and a first-order optimiser moves z to bring
 * that image closer to the target. One iteration:
 * <ol>
 *   <li>x = sampler(z), keeping every x_t (eta = 0: the sampler is a deterministic function of z)</li>
 *   <li>the loss of x against the target and dL/dx ({@link ReconstructionLoss})</li>
 *   <li>dL/dz by reverse mode through the S steps ({@link DdimSampler#inputGradient})</li>
 *   <li>one Adam or Nesterov-SGD step on z</li>
 * </ol>
 * Each image of a batch has its own latent and loss, and both optimisers act elementwise, so a batch inverts
 * exactly as its images would one at a time. For each image the latent with the best loss seen is returned
 * (the last one is evaluated too).
 */
public final class OptimizationInversion {
    /** Told after each iteration: its index (from 1), each image's PSNR and loss value before the step. */
    @FunctionalInterface
    public interface Listener {
        void iteration(int iteration, INDArray psnr, INDArray loss);
    }

    private OptimizationInversion() {
    }

    /**
     * @param targets images in [0, 1], [B, C, H, W]
     * @param start   the starting latents [B, C, H, W] (random, or from another method); not modified
     */
    public static InversionResult invert(DifferentiableNoisePredictor model, DifferentiableSampler sampler, INDArray targets,
                                         INDArray start, InversionSettings settings, Listener listener) {
        if (sampler instanceof DdimSampler ddim && ddim.eta() != 0) {
            throw new IllegalArgumentException("inversion needs the deterministic sampler (eta 0), got eta " + ddim.eta());
        }
        if (!java.util.Arrays.equals(targets.shape(), start.shape())) {
            throw new IllegalArgumentException("targets " + java.util.Arrays.toString(targets.shape())
                    + " and start latents " + java.util.Arrays.toString(start.shape()) + " differ in shape");
        }
        long t0 = System.nanoTime();
        ReconstructionLoss loss = settings.loss();
        ParameterOptimizer optimizer = settings.optimizer() == InversionSettings.Optimizer.ADAM
                ? new AdamOptimizer(settings.learningRate(), 0.9, 0.999, 1e-8, 0.0, false)
                : new NesterovSgd(settings.learningRate(), settings.momentum(), 0.0);
        INDArray z = start.castTo(DataType.FLOAT).dup();
        int batch = (int) z.size(0);
        INDArray bestZ = z.dup();
        INDArray bestX = null;
        double[] best = new double[batch];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        List<double[]> history = new ArrayList<>();
        List<INDArray> frames = new ArrayList<>();
        ForwardTape tape = new ForwardTape(model);
        try {
            for (int i = 0; i <= settings.iterations(); i++) {
                boolean last = i == settings.iterations();
                // 1. x = sampler(z), its forward passes taped for step 3
                tape.clear();
                SampleResult run = sampler.run(last ? model : tape, z, !last);
                INDArray x = run.sample();
                // 2. loss and dL/dx (the last pass only evaluates)
                ReconstructionLoss.Evaluation e = last ? new ReconstructionLoss.Evaluation(loss.value(x, targets), null)
                        : loss.evaluate(x, targets, settings.clamp());
                if (bestX == null) {
                    bestX = x.dup();
                }
                for (int b = 0; b < batch; b++) {
                    double v = e.perImage().getDouble(b);
                    if (v < best[b]) {
                        best[b] = v;
                        bestZ.slice(b).assign(z.slice(b));
                        bestX.slice(b).assign(x.slice(b));
                    }
                }
                if (settings.frameEvery() > 0 && (i % settings.frameEvery() == 0 || last)) {
                    frames.add(x.dup());
                }
                if (last) {
                    break;
                }
                INDArray psnr = loss == ReconstructionLoss.PSNR ? e.perImage().neg() : ReconstructionLoss.psnr(x, targets);
                history.add(psnr.castTo(DataType.DOUBLE).toDoubleVector());
                if (listener != null) {
                    listener.iteration(i + 1, psnr, e.perImage());
                }
                // 3. dL/dz through the unrolled sampler
                INDArray gradZ = sampler.inputGradient(tape, run, e.gradient());
                // 4. one optimiser step on z
                optimizer.apply(Map.of("z", z), Map.of("z", gradZ));
            }
        } finally {
            tape.clear();
        }
        return InversionResult.measured(bestZ, bestX, targets, (System.nanoTime() - t0) / 1e9, history, frames);
    }
}
