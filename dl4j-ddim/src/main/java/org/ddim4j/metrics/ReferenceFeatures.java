package org.ddim4j.metrics;

import org.ddim4j.metrics.FeatureExtractor;
import org.ddim4j.metrics.QualityMetrics;
import org.ddim4j.metrics.QualityReport;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The real images a model's samples are measured against, as features of one extractor.
 *
 * @param extractor the feature network
 * @param reference features of the reference split [M, D] (the training split by default)
 * @param training  features of the training images, for memorisation (often the same array as reference)
 * @param heldOut   features of held-out images [K, D], for the real-data floor, or null when there are none
 * @param label     what the reference is ("emoji-smileys train, 161 images")
 */
public record ReferenceFeatures(FeatureExtractor extractor, INDArray reference, INDArray training, INDArray heldOut,
                                String label) {
    /**
     * The floor: the held-out images measured against the reference as if they were samples, the figures a model
     * that draws new images of the data's distribution would get with that many samples. Null without held-out images.
     */
    public QualityReport floor(long seed) {
        if (heldOut == null) {
            return null;
        }
        return QualityMetrics.compute(heldOut, reference, null, extractor.id(), extractor.comparable(), seed);
    }

    /**
     * The floor from the reference alone ({@link KernelInceptionDistance#betweenHalves}, 100 splits): for references
     * whose held-out split is too small to say anything (the 8 held-out images of "Smileys & Emotion").
     */
    public KernelInceptionDistance.Result halvesFloor(long seed) {
        return KernelInceptionDistance.betweenHalves(reference, KernelInceptionDistance.DEFAULT_SUBSETS, seed);
    }
}
