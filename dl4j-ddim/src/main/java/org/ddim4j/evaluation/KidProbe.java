package org.ddim4j.evaluation;

import org.ddim4j.metrics.ReferenceFeatures;
import org.ddim4j.config.EvaluationConfig;
import org.ddim4j.metrics.KernelInceptionDistance;
import org.ddim4j.metrics.QualityReport;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.train.QualityProbe;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * KID during training: evaluation.kid_samples samples of the EMA model from the same seeded noise every time
 * (the config's diffusion.sampler, evaluation.kid_steps steps, the config's spacing, eta 0), measured against the reference features; the
 * floor is computed once: the held-out images against the same reference when there are at least half as many
 * as reference images, else KID between random halves of the reference ({@link ReferenceFeatures#halvesFloor}: the
 * 8 held-out images of "Smileys & Emotion" gave a floor of -3,557 +- 3,632 x 1e-3, which says nothing).
 */
public final class KidProbe implements QualityProbe {
    private static final int FEATURE_BATCH = 64;
    private final ReferenceFeatures reference;
    private final long seed;
    private final KernelInceptionDistance.Result floor;

    public KidProbe(ReferenceFeatures reference, long seed) {
        this.reference = reference;
        this.seed = seed;
        this.floor = floorOf(reference, seed);
    }

    /** Which floor this probe reports, in words. */
    public String floorDescription() {
        if (floor == null) {
            return "no floor (too few images)";
        }
        return usesHeldOut(reference) ? "floor: the held-out images"
                : "floor: KID between random halves of the reference (" + floor.subsetSize() + " images each)";
    }

    private static boolean usesHeldOut(ReferenceFeatures reference) {
        return reference.heldOut() != null && 2 * reference.heldOut().size(0) >= reference.reference().size(0);
    }

    /** The floor this probe reports (null when neither kind can be computed). */
    static KernelInceptionDistance.Result floorOf(ReferenceFeatures reference, long seed) {
        if (usesHeldOut(reference)) {
            QualityReport heldOut = reference.floor(seed);
            return heldOut.kid();
        }
        return reference.reference().size(0) >= 4 ? reference.halvesFloor(seed) : null;
    }

    @Override
    public Measurement measure(DdimModel model) {
        EvaluationConfig e = model.config().evaluation();
        var d = model.config().diffusion();
        int steps = e.kidSteps() > 0 ? e.kidSteps() : d.numTSteps();
        Sampler sampler = model.sampler(d.sampler(), steps, d.skipType(), 0.0);
        INDArray samples = SampleDraws.draw(model, sampler, e.kidSamples(), Math.min(64, e.kidSamples()), seed, n -> {
        });
        KernelInceptionDistance.Result kid = SampleQuality.measure(samples, reference, FEATURE_BATCH, seed).samples().kid();
        return new Measurement(kid.mean(), kid.std(), floor == null ? Double.NaN : floor.mean(),
                floor == null ? Double.NaN : floor.std());
    }
}
