package org.ddim4j.train;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.Criterion;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.config.LossWeighting;
import org.ddim4j.config.TrainingConfig;
import org.ddim4j.schedule.BetaSchedule;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.Prediction;
import org.ddim4j.io.Safetensors;
import org.ddim4j.optim.AdamOptimizer;
import org.ddim4j.optim.GradientClipping;
import org.ddim4j.unet.Parameters;
import org.ddim4j.unet.UNetArchitecture;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One full training step against PyTorch (training-step/make_fixture.py): the loss, every parameter's gradient, the
 * gradient norm, the weights after clipping and Adam, and the EMA, from the same initial weights and batch.
 */
class TrainingStepParityTest {
    private static final Path DIR = Path.of("src/test/resources/training-step");

    private static Map<String, INDArray> prefixed(Map<String, INDArray> all, String prefix) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** max |a - b| / max |b| over one tensor (the reference's own scale). */
    private static double relative(INDArray a, INDArray b) {
        double scale = Math.max(b.amaxNumber().doubleValue(), 1e-30);
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
    }

    /** The tensor whose gradient differs most from PyTorch's, relative to the reference's own scale. */
    private record Worst(String name, double relative) {
    }

    private static Worst worstGradient(Map<String, INDArray> mine, Map<String, INDArray> torch, java.util.Set<String> skip) {
        Worst worst = new Worst("", 0);
        for (Map.Entry<String, INDArray> e : torch.entrySet()) {
            if (skip.contains(e.getKey())) {
                continue;
            }
            double r = relative(mine.get(e.getKey()), e.getValue());
            if (r > worst.relative()) {
                worst = new Worst(e.getKey(), r);
            }
        }
        return worst;
    }

    @Test
    void oneTrainingStepMatchesPyTorch() {
        DdimConfig config = ConfigLoader.load(DIR.resolve("config.yml"));
        Map<String, INDArray> f = Safetensors.read(DIR.resolve("training_step.safetensors")).tensors();
        UNetArchitecture arch = UNetArchitecture.of(config);
        Parameters params = Parameters.fromStateDict(arch, prefixed(f, "init."), "init");
        TrainingGraph graph = new TrainingGraph(arch, params, Criterion.L2);
        TrainingGraph.Pass pass = graph.run(f.get("x"), f.get("t"), f.get("target"), 0);

        // 1. loss: a mean of 1,536 squared errors in float32
        assertEquals(f.get("loss").getDouble(0), pass.loss(), 1e-5 * f.get("loss").getDouble(0), "loss");
        // 2. every gradient, in PyTorch's layout: float32 backward passes summing up to 16 x 16 x 2 pixels per weight
        //    (rounding about sqrt(512) x 6e-8 ~ 1e-6 relative per sum, through a few dozen ops): 1e-4 of the tensor's scale
        Parameters grads = params.copy();
        grads.trainableVector().assign(pass.gradientVector());
        Map<String, INDArray> torchGrads = prefixed(f, "grad.");
        Map<String, INDArray> mine = grads.toStateDict();
        double scale = 0;
        for (INDArray v : torchGrads.values()) {
            scale = Math.max(scale, v.amaxNumber().doubleValue());
        }
        java.util.Set<String> invariant = arch.outputInvariantParams();
        for (String name : invariant) {
            // the attention's key bias adds q.b to every logit of a query: softmax ignores it, so the gradient is 0
            // (ddim4j: exactly, it is not computed; PyTorch: float noise, far below every other gradient)
            assertEquals(0.0, mine.get(name).amaxNumber().doubleValue(), 0.0, name);
            assertTrue(torchGrads.get(name).amaxNumber().doubleValue() < 1e-5 * scale, name + " in PyTorch: "
                    + torchGrads.get(name).amaxNumber());
        }
        Worst w = worstGradient(mine, torchGrads, invariant);
        System.out.printf(Locale.ROOT, "training step against PyTorch: loss %.7f vs %.7f; worst gradient %s %.2e%n",
                pass.loss(), f.get("loss").getDouble(0), w.name(), w.relative());
        assertTrue(w.relative() < 1e-4, "gradient " + w.name() + " differs by " + w.relative() + " of its scale");
        assertEquals(torchGrads.size(), arch.params().stream().filter(p -> params.trainableNames().contains(p.name())).count(),
                "PyTorch and ddim4j train the same tensors");

        // 3. clipping and one Adam step (the Trainer's code path: one flat vector)
        INDArray flat = params.trainableVector();
        INDArray g = pass.gradientVector().dup();
        double norm = GradientClipping.clipGlobalNorm(Map.of("flat", g), 1.0);
        assertEquals(f.get("grad_norm").getDouble(0), norm, 1e-4 * norm, "gradient norm before clipping");
        Parameters ema = params.copy();
        new AdamOptimizer(2e-4, 0.9, 0.999, 1e-8, 0.0, false).apply(Map.of("flat", flat), Map.of("flat", g));
        Ema.update(ema.trainableVector(), flat, 0.9);
        // On the first Adam step each weight moves by lr g / (|g| + eps): by lr where the gradient is clearly non-zero,
        // so its sign is what must agree. Where |g| is within the gradients' float error of 0 (1e-4 of the tensor's scale)
        // the two sides may move a weight by any amount up to lr each way: 2 lr is that bound.
        Map<String, INDArray> after = params.toStateDict();
        Map<String, INDArray> torchAfter = prefixed(f, "after.");
        Map<String, INDArray> emaAfter = ema.toStateDict();
        Map<String, INDArray> torchEma = prefixed(f, "ema.");
        for (Map.Entry<String, INDArray> e : torchGrads.entrySet()) {
            String name = e.getKey();
            INDArray gradT = e.getValue().castTo(DataType.DOUBLE);
            if (invariant.contains(name)) {
                // Adam moves PyTorch's key bias by lr along its noise's sign, ddim4j's not at all: at most lr apart
                double moved = after.get(name).castTo(DataType.DOUBLE).sub(torchAfter.get(name).castTo(DataType.DOUBLE))
                        .amaxNumber().doubleValue();
                assertTrue(moved <= 2e-4 + 1e-7, name + " moved by " + moved);
                continue;
            }
            INDArray diff = after.get(name).castTo(DataType.DOUBLE).sub(torchAfter.get(name).castTo(DataType.DOUBLE));
            double threshold = 1e-3 * gradT.amaxNumber().doubleValue();
            INDArray clear = org.nd4j.linalg.ops.transforms.Transforms.abs(gradT).gt(threshold).castTo(DataType.DOUBLE);
            double clearWorst = diff.mul(clear).amaxNumber().doubleValue();
            double anyWorst = diff.amaxNumber().doubleValue();
            assertTrue(clearWorst < 2e-4 * 1e-2 + 1e-7, name + ": a weight with a clear gradient moved differently by " + clearWorst);
            assertTrue(anyWorst <= 2 * 2e-4 + 1e-7, name + ": a weight moved differently by " + anyWorst);
            double emaDiff = emaAfter.get(name).castTo(DataType.DOUBLE).sub(torchEma.get(name).castTo(DataType.DOUBLE))
                    .amaxNumber().doubleValue();
            assertTrue(emaDiff <= 0.1 * anyWorst + 1e-7, name + ": EMA differs by " + emaDiff);
        }
    }

    /**
     * v-prediction with min-SNR-5 weighting against diffusers' way of computing it (make_weighted_fixture.py): the
     * target, the per-image weights, the weighted loss and every gradient.
     */
    @Test
    void aVPredictionStepWithMinSnrWeightingMatchesPyTorch() {
        DdimConfig config = ConfigLoader.load(DIR.resolve("config.yml"));
        Map<String, INDArray> init = prefixed(Safetensors.read(DIR.resolve("training_step.safetensors")).tensors(), "init.");
        Map<String, INDArray> f = Safetensors.read(DIR.resolve("weighted_step.safetensors")).tensors();
        UNetArchitecture arch = UNetArchitecture.of(config);
        Parameters params = Parameters.fromStateDict(arch, init, "init");
        NoiseSchedule schedule = NoiseSchedule.of(BetaSchedule.LINEAR, 1e-4, 0.02, 1000);
        int[] t = f.get("t").toIntVector();
        // 1. the target v = sqrt(alpha_bar) noise - sqrt(1 - alpha_bar) x0: float32 products of values below 1
        INDArray target = Prediction.V.target(schedule, f.get("x0"), f.get("noise"), t);
        assertTrue(relative(target, f.get("target")) < 1e-6, "v target differs by " + relative(target, f.get("target")));
        // 2. the weights min(SNR, 5) / (SNR + 1): PyTorch divides in float32 (2 roundings of 6e-8), ddim4j in double
        TrainingConfig training = new TrainingConfig(4, 4, Criterion.L2, 1, 1, 1, false, 0, LossWeighting.MIN_SNR, 5.0);
        INDArray weights = LossWeights.of(training, Prediction.V, schedule, t);
        for (int k = 0; k < t.length; k++) {
            double expected = f.get("weights").getDouble(k);
            assertEquals(expected, weights.getDouble(k), 1e-6 * expected, "weight of t = " + t[k]);
        }
        // 3. the weighted loss and its gradients, on ddim4j's own target and weights; bounds as in the unweighted step
        TrainingGraph graph = new TrainingGraph(arch, params, Criterion.L2, true);
        INDArray xt = schedule.addNoise(f.get("x0"), f.get("noise"), t);
        TrainingGraph.Pass pass = graph.run(xt, f.get("t"), target, weights, 0);
        assertEquals(f.get("loss").getDouble(0), pass.loss(), 1e-5 * f.get("loss").getDouble(0), "weighted loss");
        Parameters grads = params.copy();
        grads.trainableVector().assign(pass.gradientVector());
        Map<String, INDArray> mine = grads.toStateDict();
        Worst w = worstGradient(mine, prefixed(f, "grad."), arch.outputInvariantParams());
        System.out.printf(Locale.ROOT, "weighted v step against PyTorch: loss %.7f vs %.7f; worst gradient %s %.2e%n",
                pass.loss(), f.get("loss").getDouble(0), w.name(), w.relative());
        assertTrue(w.relative() < 1e-4, "gradient " + w.name() + " differs by " + w.relative() + " of its scale");
    }
}
