package org.ddim4j.evaluation;

import org.ddim4j.metrics.QualityMetrics;
import org.ddim4j.metrics.QualityReport;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Samples measured against reference features: every figure of {@link QualityReport}, and the real-data floor
 * beside them.
 *
 * @param samples        the samples' report
 * @param floor          the held-out images' report (null without held-out images)
 * @param sampleFeatures the samples' features [N, D]
 */
public record SampleQuality(QualityReport samples, QualityReport floor, INDArray sampleFeatures) {

    /** Measures samples [N, C, H, W] in [-1, 1] (clamped first, as they are shown) against the reference. */
    public static SampleQuality measure(INDArray samples, ReferenceFeatures ref, int batch, long seed) {
        INDArray shown = org.nd4j.linalg.ops.transforms.Transforms.min(
                org.nd4j.linalg.ops.transforms.Transforms.max(samples, -1.0, true), 1.0, false);
        INDArray features = ref.extractor().featuresInBatches(shown, batch);
        QualityReport report = QualityMetrics.compute(features, ref.reference(), ref.training(), ref.extractor().id(),
                ref.extractor().comparable(), seed);
        return new SampleQuality(report, ref.floor(seed), features);
    }
}
