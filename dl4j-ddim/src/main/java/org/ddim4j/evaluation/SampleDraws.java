package org.ddim4j.evaluation;

import org.ddim4j.model.ClassPrior;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.random.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.function.IntConsumer;

/**
 * N samples of a model in batches: batch b starts from the noise {@code Seeds.gaussian(Seeds.mix(seed, b), ...)}, so
 * sample i depends on the seed, the batch size and i only (not on N). A class-conditional model's labels are drawn
 * per batch from its class prior with {@code Seeds.mix(seed, -1_000_000 - b)} ({@link DdimModel#generatingPredictor}).
 * The raw final samples, not clamped.
 */
public final class SampleDraws {
    private SampleDraws() {
    }

    /**
     * @param progress called with the number of samples drawn so far after each batch
     * @return [count, C, H, W] float
     */
    public static INDArray draw(DdimModel model, Sampler sampler, int count, int batch, long seed, IntConsumer progress) {
        return draw(model, model.conditional() ? model.classes() : null, sampler, count, batch, seed, progress);
    }

    /**
     * As {@link #draw(DdimModel, Sampler, int, int, long, IntConsumer)}, a conditional model's labels drawn from
     * {@code prior} (e.g. restricted to some classes; null for an unconditional model).
     */
    public static INDArray draw(DdimModel model, ClassPrior prior, Sampler sampler, int count, int batch, long seed,
                                IntConsumer progress) {
        if ((prior != null) != model.conditional()) {
            throw new IllegalArgumentException(model.conditional() ? "a class-conditional model needs a class prior to draw labels from"
                    : "an unconditional model takes no class prior");
        }
        if (count < 1 || batch < 1) {
            throw new IllegalArgumentException("sample count and batch size must be positive, got " + count + " and " + batch);
        }
        var data = model.config().data();
        INDArray out = Nd4j.create(DataType.FLOAT, count, data.channels(), data.height(), data.width());
        for (int from = 0, b = 0; from < count; from += batch, b++) {
            int n = Math.min(batch, count - from);
            INDArray z = Seeds.gaussian(Seeds.mix(seed, b), n, data.channels(), data.height(), data.width());
            long labelSeed = Seeds.mix(seed, -1_000_000 - b);
            var predictor = prior == null ? model.noisePredictor() : model.generatingPredictor(prior, n, labelSeed);
            INDArray x = sampler.sample(predictor, z,
                    Nd4j.getRandomFactory().getNewRandomInstance(Seeds.mix(seed, -1 - b)));
            out.get(NDArrayIndex.interval(from, from + n)).assign(x);
            progress.accept(from + n);
        }
        return out;
    }
}
