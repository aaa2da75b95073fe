package org.ddim4j.evaluation;

import org.ddim4j.metrics.ReferenceFeatures;
import org.ddim4j.config.EvaluationConfig;
import org.ddim4j.metrics.KernelInceptionDistance;
import org.ddim4j.metrics.QualityReport;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.train.QualityProbe;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * KID during training: evaluation.kid_samples samples of the EMA model from the same seeded noise every time
 * (evaluation.kid_steps deterministic steps, the config's spacing), measured against the reference features; the
 * floor (held-out images against the same reference) is computed once.
 */
public final class KidProbe implements QualityProbe {
    private static final int FEATURE_BATCH = 64;
    private final ReferenceFeatures reference;
    private final long seed;
    private final QualityReport floor;

    public KidProbe(ReferenceFeatures reference, long seed) {
        this.reference = reference;
        this.seed = seed;
        this.floor = reference.floor(seed);
    }

    @Override
    public Measurement measure(DdimModel model) {
        EvaluationConfig e = model.config().evaluation();
        var d = model.config().diffusion();
        int steps = e.kidSteps() > 0 ? e.kidSteps() : d.numTSteps();
        DdimSampler sampler = model.sampler(steps, d.skipType(), 0.0);
        INDArray samples = SampleDraws.draw(model, sampler, e.kidSamples(), Math.min(64, e.kidSamples()), seed, n -> {
        });
        KernelInceptionDistance.Result kid = SampleQuality.measure(samples, reference, FEATURE_BATCH, seed).samples().kid();
        return new Measurement(kid.mean(), kid.std(), floor == null ? Double.NaN : floor.kid().mean(),
                floor == null ? Double.NaN : floor.kid().std());
    }
}
