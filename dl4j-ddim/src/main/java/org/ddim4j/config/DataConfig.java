package org.ddim4j.config;

import java.util.List;

/**
 * The {@code data} section: which dataset, where it lives, the image shape the network sees and the
 * augmentation applied while training.
 *
 * @param dataset        dataset name ({@code celeba}, {@code emoji}, ...), resolved by the data readers
 * @param root           folder holding the dataset files ({@code ~} is expanded by the readers)
 * @param shape          {@code [channels, height, width]} of the network input
 * @param shapeOriginal  shape of the files as distributed (informational, as in the seed)
 * @param numTrain       number of training images (informational, as in the seed)
 * @param numValid       number of validation images (informational)
 * @param numTest        number of test images (informational)
 * @param randomFlip     whether random flips are applied while training at all
 * @param zeroCenter     map pixels to [-1, 1] (true) or [0, 1] (false)
 * @param clamp          clamp generated images to the pixel range before saving
 * @param flipHorizontal probability of a horizontal flip of a training image
 * @param flipVertical   probability of a vertical flip of a training image
 * @param numWorkers     decoding threads
 * @param download       whether a reader may fetch a missing dataset itself (where it can)
 */
public record DataConfig(Dataset dataset, String root, List<Integer> shape, List<Integer> shapeOriginal,
                         int numTrain, int numValid, int numTest, boolean randomFlip, boolean zeroCenter,
                         boolean clamp, double flipHorizontal, double flipVertical, int numWorkers,
                         boolean download) {
    public DataConfig {
        Check.notNull("data.dataset", dataset);
        Check.notNull("data.root", root);
        shape = checkShape("data.shape", shape);
        shapeOriginal = shapeOriginal == null ? shape : checkShape("data.shape_original", shapeOriginal);
        Check.nonNegative("data.num_train", numTrain);
        Check.nonNegative("data.num_valid", numValid);
        Check.nonNegative("data.num_test", numTest);
        Check.inRange("data.flip_horizontal", flipHorizontal, 0, 1, true);
        Check.inRange("data.flip_vertical", flipVertical, 0, 1, true);
        Check.nonNegative("data.num_workers", numWorkers);
    }

    private static List<Integer> checkShape(String key, List<Integer> shape) {
        Check.notNull(key, shape);
        if (shape.size() != 3 || shape.stream().anyMatch(v -> v == null || v <= 0)) {
            throw new InvalidValueException(key, shape, "expected [channels, height, width] of positive integers");
        }
        return List.copyOf(shape);
    }

    public int channels() {
        return shape.get(0);
    }

    public int height() {
        return shape.get(1);
    }

    public int width() {
        return shape.get(2);
    }

    /** Probability of a horizontal flip actually applied to a training image (0 when random_flip is off). */
    public double effectiveFlipHorizontal() {
        return randomFlip ? flipHorizontal : 0.0;
    }

    public DataConfig withDataset(Dataset newDataset, String newRoot) {
        return new DataConfig(newDataset, newRoot, shape, shapeOriginal, numTrain, numValid, numTest, randomFlip,
                zeroCenter, clamp, flipHorizontal, flipVertical, numWorkers, download);
    }

    public DataConfig withShape(List<Integer> newShape) {
        return new DataConfig(dataset, root, newShape, shapeOriginal, numTrain, numValid, numTest, randomFlip,
                zeroCenter, clamp, flipHorizontal, flipVertical, numWorkers, download);
    }
}
