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
 * @param lossWeighting how the images of a batch are weighted by their timestep: {@code uniform} (the seed's) or
 *                      {@code min-snr} (an addition)
 * @param minSnrGamma   gamma of min-SNR weighting (default 5, Hang et al.'s)
 * @param labelDropout  probability that a training image of a class-conditional network is shown without its label
 *                      (the null class), which trains the unconditional prediction classifier-free guidance needs
 *                      (default 0.1; Ho and Salimans 2022 found 0.1-0.2 best). Unused by an unconditional network.
 * @param classRepeats  how many times each image of a class is shown per epoch, by class name (an addition; a class
 *                      not named is shown once). Repeat-factor sampling (Gupta et al. 2019, LVIS, section 4): a class
 *                      with repeat r is drawn r times as often as its share of the images, without changing which
 *                      images the model learns from or the proportions it draws classes in. Empty (the default):
 *                      every image once per epoch, the seed's batches exactly. Needs training images with class labels.
 */
public record TrainingConfig(int batchSize, int logBatchSize, Criterion criterion, int numI, int logFrequency,
                             int saveFrequency, boolean tensorboard, long seed, LossWeighting lossWeighting,
                             double minSnrGamma, double labelDropout, java.util.Map<String, Integer> classRepeats) {
    public TrainingConfig {
        classRepeats = classRepeats == null ? java.util.Map.of() : checkedRepeats(classRepeats);
        Check.positive("training.batch_size", batchSize);
        Check.positive("training.log_batch_size", logBatchSize);
        Check.notNull("training.criterion", criterion);
        Check.positive("training.num_i", numI);
        Check.positive("training.log_frequency", logFrequency);
        Check.positive("training.save_frequency", saveFrequency);
        Check.notNull("training.loss_weighting", lossWeighting);
        Check.positive("training.min_snr_gamma", minSnrGamma);
        Check.inRange("training.label_dropout", labelDropout, 0, 1, false);
    }

    /** Training with every image once per epoch and the given label dropout. */
    public TrainingConfig(int batchSize, int logBatchSize, Criterion criterion, int numI, int logFrequency,
                          int saveFrequency, boolean tensorboard, long seed, LossWeighting lossWeighting,
                          double minSnrGamma, double labelDropout) {
        this(batchSize, logBatchSize, criterion, numI, logFrequency, saveFrequency, tensorboard, seed, lossWeighting,
                minSnrGamma, labelDropout, java.util.Map.of());
    }

    /** An unmodifiable copy in the given order; every name non-blank and every repeat a positive integer. */
    private static java.util.Map<String, Integer> checkedRepeats(java.util.Map<String, Integer> repeats) {
        java.util.Map<String, Integer> copy = new java.util.LinkedHashMap<>();
        repeats.forEach((name, r) -> {
            if (name == null || name.isBlank()) {
                throw new InvalidValueException("training.class_repeats", repeats, "expected class names as keys");
            }
            if (r == null || r <= 0) {
                throw new InvalidValueException("training.class_repeats." + name, r, "expected a positive integer");
            }
            copy.put(name, r);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }

    /** The probability of dropping a label when none is given (Ho and Salimans' choice). */
    public static final double DEFAULT_LABEL_DROPOUT = 0.1;

    /** A training section with the default label dropout. */
    public TrainingConfig(int batchSize, int logBatchSize, Criterion criterion, int numI, int logFrequency,
                          int saveFrequency, boolean tensorboard, long seed, LossWeighting lossWeighting,
                          double minSnrGamma) {
        this(batchSize, logBatchSize, criterion, numI, logFrequency, saveFrequency, tensorboard, seed, lossWeighting,
                minSnrGamma, DEFAULT_LABEL_DROPOUT);
    }

    /** Gamma of min-SNR weighting when none is given: Hang et al.'s choice. */
    public static final double DEFAULT_MIN_SNR_GAMMA = 5.0;

    /** The seed's training section: every image of a batch weighted the same. */
    public TrainingConfig(int batchSize, int logBatchSize, Criterion criterion, int numI, int logFrequency,
                          int saveFrequency, boolean tensorboard, long seed) {
        this(batchSize, logBatchSize, criterion, numI, logFrequency, saveFrequency, tensorboard, seed,
                LossWeighting.UNIFORM, DEFAULT_MIN_SNR_GAMMA);
    }

    public TrainingConfig withIterations(int iterations, int log, int save) {
        return new TrainingConfig(batchSize, logBatchSize, criterion, iterations, log, save, tensorboard, seed,
                lossWeighting, minSnrGamma, labelDropout, classRepeats);
    }

    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(batchSize, logBatchSize, criterion, numI, logFrequency, saveFrequency, tensorboard,
                newSeed, lossWeighting, minSnrGamma, labelDropout, classRepeats);
    }
}
