/**
 * Sample quality of a model: drawing N samples in seeded batches ({@link org.ddim4j.evaluation.SampleDraws}) and
 * measuring them against reference features with the real-data floor beside them
 * ({@link org.ddim4j.evaluation.SampleQuality}); {@link org.ddim4j.evaluation.KidProbe} measures KID during
 * training. May use {@code metrics}, {@code sampler}, {@code model}, {@code random} and training's
 * {@code QualityProbe}; reads no dataset files (callers hand it features).
 */
package org.ddim4j.evaluation;
