/**
 * Sample quality of a model: drawing N samples in seeded batches ({@link org.ddim4j.evaluation.SampleDraws}) and
 * measuring them against a dataset's reference features with the real-data floor beside them
 * ({@link org.ddim4j.evaluation.SampleQuality}). Used by {@code ./ddim eval}, by training's periodic KID and by
 * sweeps. May use {@code metrics}, {@code sampler}, {@code model} and {@code train.Seeds}; reads no dataset files
 * (callers hand it features).
 */
package org.ddim4j.evaluation;
