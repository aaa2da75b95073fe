package org.ddim4j.edit;

import org.ddim4j.random.Seeds;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.Sampler;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Draws noise-image pairs: z ~ N(0, I) from a seed, x = G(z) with the model's deterministic sampler (its EMA
 * weights, S steps), and the classifier's probabilities for x, in batches, straight into a {@link PairStore}.
 */
public final class PairGeneration {
    private PairGeneration() {
    }

    /** Pairs {@code [from, from + n)}: latents [n, C, H, W] and scores [n, A]. */
    public record Batch(INDArray latents, INDArray scores) {
    }

    /**
     * One batch of pairs starting at pair {@code from}: its latents come from {@code Seeds.mix(seed, from)}, so a
     * store's pairs depend on the seed and the batch size (the batches' starts), not on who draws them.
     */
    public static Batch batch(DdimModel model, Sampler sampler, ComputationGraph classifier, int attributes, long seed,
                              long from, int n) {
        if (sampler instanceof DdimSampler ddim && ddim.eta() != 0) {
            throw new IllegalArgumentException("pairs use the deterministic sampler (eta 0), got eta " + ddim.eta());
        }
        var data = model.config().data();
        INDArray z = Seeds.gaussian(Seeds.mix(seed, from), n, data.channels(), data.height(), data.width());
        INDArray x = sampler.sample(model.noisePredictor(), z, null);
        INDArray images = org.nd4j.linalg.ops.transforms.Transforms.min(
                org.nd4j.linalg.ops.transforms.Transforms.max(x, -1.0, false), 1.0, false);
        INDArray s = AttributeClassifier.scores(classifier, images);
        if (s.size(1) != attributes) {
            throw new IllegalArgumentException("the classifier gives " + s.size(1) + " scores, but "
                    + attributes + " attributes are named");
        }
        return new Batch(z, s);
    }

    /**
     * @param sampler any deterministic sampler (DDIM with eta 0, the ODE solvers, EDICT or BDIA): the images are G(z)
     * @param steps   its step count, kept in the store's metadata
     */
    public static PairStore generate(DdimModel model, Sampler sampler, int steps, ComputationGraph classifier,
                                     List<String> attributes, long count, int batchSize, long seed, Path dir,
                                     LongConsumer progress) throws IOException {
        if (sampler instanceof DdimSampler ddim && ddim.eta() != 0) {
            throw new IllegalArgumentException("pairs use the deterministic sampler (eta 0), got eta " + ddim.eta());
        }
        var data = model.config().data();
        long[] shape = {data.channels(), data.height(), data.width()};
        try (PairStore.Writer w = new PairStore.Writer(dir, shape, attributes, steps, seed)) {
            while (w.count() < count) {
                int b = (int) Math.min(batchSize, count - w.count());
                Batch pairs = batch(model, sampler, classifier, attributes.size(), seed, w.count(), b);
                w.append(pairs.latents(), pairs.scores());
                if (progress != null) {
                    progress.accept(w.count());
                }
            }
            return w.finish();
        }
    }
}
