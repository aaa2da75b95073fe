/**
 * Sample quality: FID ({@link org.ddim4j.metrics.FrechetDistance}), KID
 * ({@link org.ddim4j.metrics.KernelInceptionDistance}), precision and recall
 * ({@link org.ddim4j.metrics.PrecisionRecall}) and memorisation ({@link org.ddim4j.metrics.Memorisation}), all in
 * double precision on feature vectors, gathered by {@link org.ddim4j.metrics.QualityMetrics}; the feature networks
 * behind {@link org.ddim4j.metrics.FeatureExtractor}: pytorch-fid's Inception-v3 as a SameDiff graph
 * ({@link org.ddim4j.metrics.InceptionFeatures}) and the emoji feature network that ships in the jar
 * ({@link org.ddim4j.metrics.EmojiFeatures}); cached reference features ({@link org.ddim4j.metrics.FeatureCache}).
 * May use ND4J, SameDiff, DL4J, {@code io}, {@code resnet} and the compiled-graph runtime ({@code PlanCache}, in
 * {@code unet} for now); never the sampler, training, inversion or the network itself.
 */
package org.ddim4j.metrics;
