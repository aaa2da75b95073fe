package org.ddim4j.evaluation;

import org.ddim4j.metrics.ReferenceFeatures;
import org.ddim4j.metrics.QualityMetrics;
import org.ddim4j.metrics.QualityReport;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Samples measured against reference features: every figure of {@link QualityReport}. The real-data floor beside
 * them does not depend on the samples: {@link ReferenceFeatures#floor}, computed once by whoever shows it.
 *
 * @param samples        the samples' report
 * @param sampleFeatures the samples' features [N, D]
 */
public record SampleQuality(QualityReport samples, INDArray sampleFeatures) {

    /** Measures samples [N, C, H, W] in [-1, 1] (clamped first, as they are shown) against the reference. */
    public static SampleQuality measure(INDArray samples, ReferenceFeatures ref, int batch, long seed) {
        INDArray shown = org.nd4j.linalg.ops.transforms.Transforms.min(
                org.nd4j.linalg.ops.transforms.Transforms.max(samples, -1.0, true), 1.0, false);
        INDArray features = ref.extractor().featuresInBatches(shown, batch);
        QualityReport report = QualityMetrics.compute(features, ref.reference(), ref.training(), ref.extractor().id(),
                ref.extractor().comparable(), seed);
        return new SampleQuality(report, features);
    }
}
