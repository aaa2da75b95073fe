package org.ddim4j.invert;

import org.ddim4j.config.Criterion;
import org.ddim4j.random.Seeds;
import org.ddim4j.unet.UNetArchitecture;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.NoisePredictor;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.SampleResult;
import org.ddim4j.optim.AdamOptimizer;
import org.ddim4j.optim.GradientClipping;
import org.ddim4j.train.TrainingGraph;
import org.ddim4j.unet.GraphMode;
import org.ddim4j.unet.Parameters;
import org.ddim4j.graph.PlanCache;
import org.ddim4j.unet.UNetGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a {@link LatentEncoder} on noise-image pairs drawn from the DDIM itself: z ~ N(0, I), x = G(z)
 * with the frozen network and a deterministic sampler. Both of the seed's objectives, in order:
 * <ol>
 *   <li>latent objective: mean (E(x) - z)^2 over random batches of the pairs;</li>
 *   <li>image objective: the reconstruction loss of G(E(x)) against x, its gradient taken through the
 *       unrolled sampler to E's output and from there to E's weights.</li>
 * </ol>
 * Each step computes the gradients, clips them to a global norm of 1, and only then takes one Adam step
 * (the seed cleared its gradients between backward and step, so its encoder never learned).
 *
 * <p>The image objective needs no latent, so it can also run on real images (as the in-domain encoder of
 * Zhu et al., 2020, trains on real data through the frozen generator): an encoder meant for real photographs
 * or emoji then learns on their distribution rather than only on the model's samples. Training can also start
 * from an encoder trained before.
 */
public final class EncoderTraining {
    /**
     * @param pairs           noise-image pairs generated for training
     * @param latentSteps     steps of the latent objective
     * @param imageSteps      steps of the image objective after them
     * @param batchSize       pairs per step
     * @param learningRate    Adam's step size
     * @param imageLoss       the image objective's loss
     * @param seed            seeds the latents, the batch order and the encoder's initial weights
     */
    public record Settings(int pairs, int latentSteps, int imageSteps, int batchSize, double learningRate,
                           ReconstructionLoss imageLoss, long seed) {
        public Settings {
            if (pairs <= 0 || batchSize <= 0 || latentSteps < 0 || imageSteps < 0 || latentSteps + imageSteps == 0) {
                throw new IllegalArgumentException("encoder training needs pairs > 0, batch size > 0 and some steps;"
                        + " got pairs " + pairs + ", batch " + batchSize + ", steps " + latentSteps + " + " + imageSteps);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
            }
        }
    }

    /** Told after each step: objective ("pairs", "latent" or "image"), step number from 1, and its loss. */
    @FunctionalInterface
    public interface Listener {
        void step(String objective, int step, double loss);
    }

    private EncoderTraining() {
    }

    /** Noise-image pairs of the model: z [N, C, H, W] and x = G(z) as images in [0, 1]. */
    public record Pairs(INDArray latents, INDArray images) {
    }

    public static Pairs pairs(DdimConfig config, NoisePredictor network, DdimSampler sampler, int count, int batchSize,
                              long seed, Listener listener) {
        long[] shape = config.data().shape().stream().mapToLong(Integer::longValue).toArray();
        INDArray z = Seeds.gaussian(seed, count, shape[0], shape[1], shape[2]);
        INDArray images = Nd4j.create(DataType.FLOAT, z.shape());
        for (int from = 0; from < count; from += batchSize) {
            int to = Math.min(count, from + batchSize);
            INDArray batch = z.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup();
            INDArray x = sampler.sample(network, batch, null);
            images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).assign(ReconstructionLoss.toImage(x));
            if (listener != null) {
                listener.step("pairs", to, Double.NaN);
            }
        }
        return new Pairs(z, images);
    }

    /** Trains a new encoder for the model with the given sampler (its step count is the one inverted). */
    public static LatentEncoder train(DdimModel model, DdimSampler sampler, Settings s, Listener listener) {
        return train(model.config(), model.noisePredictor(), sampler, s, listener);
    }

    /** As {@link #train(DdimModel, DdimSampler, Settings, Listener)} for any differentiable network of that config. */
    public static LatentEncoder train(DdimConfig config, DifferentiableNoisePredictor network, DdimSampler sampler,
                                      Settings s, Listener listener) {
        if (sampler.eta() != 0) {
            throw new IllegalArgumentException("the encoder inverts the deterministic sampler (eta 0), got eta " + sampler.eta());
        }
        Pairs pairs = pairs(config, network, sampler, s.pairs(), Math.max(s.batchSize(), 16), s.seed(), listener);
        return train(config, network, sampler, pairs, s, listener);
    }

    public static LatentEncoder train(DdimConfig config, DifferentiableNoisePredictor network, DdimSampler sampler,
                                      Pairs pairs, Settings s, Listener listener) {
        return train(config, network, sampler, pairs, null, null, s, listener);
    }

    /**
     * As above, with the image objective on {@code images} ([M, C, H, W] in [0, 1], e.g. a dataset's training
     * split) instead of the pairs' images when not null, starting from {@code start} when not null (it is
     * trained in place). {@code pairs} may be null when there are no latent steps and images are given.
     */
    public static LatentEncoder train(DdimConfig config, DifferentiableNoisePredictor network, DdimSampler sampler,
                                      Pairs pairs, INDArray images, LatentEncoder start, Settings s, Listener listener) {
        if (sampler.eta() != 0) {
            throw new IllegalArgumentException("the encoder inverts the deterministic sampler (eta 0), got eta " + sampler.eta());
        }
        if (pairs == null && (s.latentSteps() > 0 || images == null)) {
            throw new IllegalArgumentException("the latent objective, and an image objective without images, need pairs");
        }
        if (images != null && (images.rank() != 4 || images.size(0) == 0
                || !java.util.Arrays.equals(java.util.Arrays.copyOfRange(images.shape(), 1, 4),
                config.data().shape().stream().mapToLong(Integer::longValue).toArray()))) {
            String shape = config.data().shape().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
            throw new IllegalArgumentException("images for the image objective must be [M, " + shape + "] in [0, 1], got "
                    + java.util.Arrays.toString(images.shape()));
        }
        if (start != null && !start.config().data().shape().equals(config.data().shape())) {
            throw new IllegalArgumentException("the starting encoder is for images " + start.config().data().shape()
                    + ", the model makes " + config.data().shape());
        }
        LatentEncoder encoder = start != null ? start : LatentEncoder.create(config, s.seed() + 1);
        Parameters params = encoder.network().parameters();
        var arch = encoder.network().architecture();
        AdamOptimizer adam = new AdamOptimizer(s.learningRate(), 0.9, 0.999, 1e-8, 0.0, false);
        Epochs order = pairs == null ? null : new Epochs((int) pairs.latents().size(0), s.seed() + 2);

        // 1. latent objective: the training graph's L2 criterion with x = image (model range), t = 0, target = z
        TrainingGraph latent = new TrainingGraph(arch, params, Criterion.L2);
        for (int step = 1; step <= s.latentSteps(); step++) {
            int[] idx = order.next(s.batchSize());
            INDArray x = pairs.images().get(org.nd4j.linalg.indexing.NDArrayIndex.indices(toLong(idx))).mul(2).subi(1);
            INDArray z = pairs.latents().get(org.nd4j.linalg.indexing.NDArrayIndex.indices(toLong(idx)));
            TrainingGraph.Pass pass = latent.run(x, Nd4j.zeros(DataType.FLOAT, idx.length), z, 0L);
            update(params, adam, pass.gradients());
            if (listener != null) {
                listener.step("latent", step, pass.loss());
            }
        }

        // 2. image objective: L(G(E(x)), x), dL/dE(x) through the sampler, then E's vector-Jacobian product
        if (s.imageSteps() > 0) {
            List<String> dependent = new ArrayList<>(params.trainableNames());
            dependent.removeAll(arch.outputInvariantParams());
            PlanCache vjp = PlanCache.forGradients(vjpGraph(arch, params), List.of(), dependent);
            INDArray source = images != null ? images.castTo(DataType.FLOAT) : pairs.images();
            Epochs imageOrder = images != null ? new Epochs((int) source.size(0), s.seed() + 3) : order;
            for (int step = 1; step <= s.imageSteps(); step++) {
                int[] idx = imageOrder.next(s.batchSize());
                INDArray target = source.get(org.nd4j.linalg.indexing.NDArrayIndex.indices(toLong(idx)));
                INDArray x = target.mul(2).subi(1);
                INDArray t = Nd4j.zeros(DataType.FLOAT, idx.length);
                INDArray zHat = encoder.network().predictNoise(x, t);
                SampleResult run = sampler.run(network, zHat, null, true);
                ReconstructionLoss.Evaluation e = s.imageLoss().evaluate(run.sample(), target);
                INDArray gradZ = sampler.inputGradient(network, run, e.gradient());
                Map<String, INDArray> grads = vjp.run(Map.of(UNetGraph.INPUT, x.castTo(DataType.FLOAT), UNetGraph.TIMESTEP, t,
                        COTANGENT, gradZ.castTo(DataType.FLOAT))).gradients();
                update(params, adam, grads);
                if (listener != null) {
                    listener.step("image", step, e.perImage().meanNumber().doubleValue());
                }
            }
        }
        return encoder;
    }

    private static final String COTANGENT = "cotangent";

    /** E's graph with a loss sum(E(x) * cotangent): its weight gradients are the vector-Jacobian product. */
    private static SameDiff vjpGraph(UNetArchitecture arch, Parameters params) {
        SameDiff sd = UNetGraph.build(arch, params, GraphMode.TRAIN).sameDiff();
        SDVariable out = sd.getVariable(UNetGraph.OUTPUT);
        SDVariable cot = sd.placeHolder(COTANGENT, DataType.FLOAT, -1, arch.inChannels(), arch.size(), arch.size());
        out.mul(cot).sum().rename("vjp");
        sd.setLossVariables("vjp");
        return sd;
    }

    private static void update(Parameters params, AdamOptimizer adam, Map<String, INDArray> gradients) {
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (String name : params.trainableNames()) {
            INDArray g = gradients.get(name);
            // a tensor the encoder's output does not depend on (UNetArchitecture.outputInvariantParams) has none
            grads.put(name, g != null ? g.dup() : Nd4j.zeros(params.arrays().get(name).dataType(),
                    params.arrays().get(name).shape()));
        }
        GradientClipping.clipGlobalNorm(grads, 1.0);
        adam.apply(params.arrays(), grads);
    }

    /** Batches that go through the pairs in a new random order each epoch. */
    private static final class Epochs {
        private final java.util.Random rng;
        private final int[] order;
        private int position;

        Epochs(int n, long seed) {
            rng = new java.util.Random(seed);
            order = java.util.stream.IntStream.range(0, n).toArray();
            position = n;
        }

        int[] next(int size) {
            int[] idx = new int[Math.min(size, order.length)];
            for (int i = 0; i < idx.length; i++) {
                if (position == order.length) {
                    for (int k = order.length - 1; k > 0; k--) {         // Fisher-Yates
                        int j = rng.nextInt(k + 1);
                        int tmp = order[k];
                        order[k] = order[j];
                        order[j] = tmp;
                    }
                    position = 0;
                }
                idx[i] = order[position++];
            }
            return idx;
        }
    }

    private static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
