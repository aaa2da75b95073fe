package org.ddim4j.sweep;

import org.ddim4j.invert.InversionSettings;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.OptimizationInversion;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.random.Seeds;
import org.ddim4j.schedule.NoiseSchedule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores a trained model on held-out images, identically for every candidate of a sweep:
 * <ol>
 *   <li>validation loss: for each of 5 fixed timesteps t_k = T (2k + 1) / 10, x_t = sqrt(a_t) x_0 + sqrt(1 - a_t)
 *       eps with noise eps drawn once from the sweep's seed; the mean of (model(x_t, t) - eps)^2;</li>
 *   <li>inversion PSNR: optimisation-based inversion (Adam, lr 0.01, PSNR, random start from the seed) of the
 *       held-out images through the candidate's own sampler (its step count and spacing);</li>
 *   <li>sampling time: 16 samples with the candidate's diffusion.sampler (eta 0), after one warm-up.</li>
 * </ol>
 */
public final class CandidateEvaluator {
    private CandidateEvaluator() {
    }

    /** @param heldOut images in [-1, 1], [N, C, H, W] */
    public static double[] evaluate(DdimModel model, INDArray heldOut, int inversionIterations, long seed) {
        return new double[]{validationLoss(model, heldOut, seed), inversionPsnr(model, heldOut, inversionIterations, seed),
                samplingSeconds(model, heldOut, seed)};
    }

    public static double validationLoss(DdimModel model, INDArray x0, long seed) {
        NoiseSchedule schedule = model.schedule();
        int n = (int) x0.size(0);
        INDArray eps = Seeds.gaussian(seed, x0.shape());
        double total = 0;
        for (int k = 0; k < 5; k++) {
            int t = (int) ((long) schedule.numSteps() * (2 * k + 1) / 10);
            INDArray xt = schedule.addNoise(x0, eps, t);
            INDArray pred = model.noisePredictor().predictNoise(xt, Nd4j.valueArrayOf(new long[]{n}, (float) t, DataType.FLOAT));
            INDArray d = pred.sub(eps);
            total += d.mul(d).meanNumber().doubleValue();
        }
        return total / 5;
    }

    public static double inversionPsnr(DdimModel model, INDArray x0, int iterations, long seed) {
        DdimSampler sampler = deterministic(model);
        INDArray targets = x0.add(1).divi(2);
        InversionSettings settings = InversionSettings.defaults().withIterations(iterations);
        return OptimizationInversion.invert(model.noisePredictor(), sampler, targets, Inverter.randomLatents(targets.shape(), seed),
                settings, null).psnr().meanNumber().doubleValue();
    }

    public static double samplingSeconds(DdimModel model, INDArray like, long seed) {
        Sampler sampler = generating(model);
        INDArray z = Seeds.gaussian(seed, 16, like.size(1), like.size(2), like.size(3));
        var predictor = model.generatingPredictor((int) z.size(0), seed);
        sampler.sample(predictor, z, null);
        long t0 = System.nanoTime();
        sampler.sample(predictor, z, null);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The candidate's generating sampler (diffusion.sampler, its steps and spacing), deterministic: eta 0. */
    static Sampler generating(DdimModel model) {
        var d = model.config().diffusion();
        return model.sampler(d.sampler(), d.numTSteps(), d.skipType(), 0.0);
    }

    /** The candidate's DDIM sampler with eta 0 (inversion optimises through DDIM's steps). */
    static DdimSampler deterministic(DdimModel model) {
        var d = model.config().diffusion();
        return model.sampler(d.numTSteps(), d.skipType(), 0.0);
    }
}
