package org.ddim4j.config;

/**
 * The {@code evaluation} section.
 *
 * @param batchSize  images per evaluation batch
 * @param numBatches number of evaluation batches
 */
public record EvaluationConfig(int batchSize, int numBatches) {
    public EvaluationConfig {
        Check.positive("evaluation.batch_size", batchSize);
        Check.positive("evaluation.num_batches", numBatches);
    }
}
