/**
 * Sample quality: FID ({@link org.ddim4j.metrics.FrechetDistance}), KID
 * ({@link org.ddim4j.metrics.KernelInceptionDistance}), precision and recall, memorisation, all in double
 * precision on feature vectors, gathered by {@link org.ddim4j.metrics.QualityMetrics}; the feature networks behind
 * {@link org.ddim4j.metrics.FeatureExtractor} (pytorch-fid's Inception-v3 as a SameDiff graph, the emoji feature
 * network that ships in the jar), reference features with their floor and the feature cache. May use ND4J,
 * SameDiff, DL4J, {@code io}, {@code resnet} and {@code graph}; never the sampler, training, inversion or the network.
 */
package org.ddim4j.metrics;
