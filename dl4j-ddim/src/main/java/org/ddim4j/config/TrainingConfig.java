package org.ddim4j.config;

/**
 * The {@code training} section.
 *
 * @param batchSize     images per training iteration
 * @param logBatchSize  images in the sample grid written every {@code logFrequency} iterations
 * @param criterion     {@code l1} (mean absolute error) or {@code l2} (mean squared error) on the noise
 * @param numI          number of training iterations
 * @param logFrequency  iterations between sample grids and log lines
 * @param saveFrequency iterations between checkpoints
 * @param tensorboard   accepted for compatibility with the seed's files; ddim4j writes a CSV and a PNG instead
 * @param seed          seed of every random choice in training (an addition; default 0)
 */
public record TrainingConfig(int batchSize, int logBatchSize, Criterion criterion, int numI, int logFrequency,
                             int saveFrequency, boolean tensorboard, long seed) {
    public TrainingConfig {
        Check.positive("training.batch_size", batchSize);
        Check.positive("training.log_batch_size", logBatchSize);
        Check.notNull("training.criterion", criterion);
        Check.positive("training.num_i", numI);
        Check.positive("training.log_frequency", logFrequency);
        Check.positive("training.save_frequency", saveFrequency);
    }

    public TrainingConfig withIterations(int iterations, int log, int save) {
        return new TrainingConfig(batchSize, logBatchSize, criterion, iterations, log, save, tensorboard, seed);
    }

    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(batchSize, logBatchSize, criterion, numI, logFrequency, saveFrequency, tensorboard,
                newSeed);
    }
}
