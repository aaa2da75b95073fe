package org.ddim4j.config;

/**
 * The {@code evaluation} section: the seed's batch keys, and ddim4j's KID during training (on the EMA weights,
 * emoji features by default; off unless kid_every is set).
 *
 * @param batchSize  images per evaluation batch
 * @param numBatches number of evaluation batches
 * @param kidEvery   measure KID every this many iterations (0: never)
 * @param kidSamples samples drawn for each measurement (the same seeded noise every time)
 * @param kidSteps   sampling steps for them (0: diffusion.num_t_steps)
 */
public record EvaluationConfig(int batchSize, int numBatches, int kidEvery, int kidSamples, int kidSteps) {
    public EvaluationConfig {
        Check.positive("evaluation.batch_size", batchSize);
        Check.positive("evaluation.num_batches", numBatches);
        Check.nonNegative("evaluation.kid_every", kidEvery);
        if (kidSamples < 2) {
            throw new InvalidValueException("evaluation.kid_samples", kidSamples, "at least 2 samples");
        }
        Check.nonNegative("evaluation.kid_steps", kidSteps);
    }
}
