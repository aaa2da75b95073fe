package org.ddim4j.data.flowers;

import org.ddim4j.data.DatasetFiles;
import org.ddim4j.data.ImageDecoding;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.data.Split;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Oxford Flowers 102 (8,189 images) as its three downloads unpack: {@code jpg/image_NNNNN.jpg},
 * {@code imagelabels.mat} ({@code labels}, 1..102 per image) and {@code setid.mat} ({@code trnid},
 * {@code valid}, {@code tstid}: 1-based image numbers of the train, validation and test splits), MATLAB v5
 * files. Classes are 0..101.
 */
public final class Flowers102Dataset implements ImageSplit {
    public static final String URL = "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/";
    public static final int CLASSES = 102;
    private final Split split;
    private final Path jpg;
    private final int[] numbers;
    private final int[] labels;

    private Flowers102Dataset(Split split, Path jpg, int[] numbers, int[] labels) {
        this.split = split;
        this.jpg = jpg;
        this.numbers = numbers;
        this.labels = labels;
    }

    public static Flowers102Dataset open(Path root, Split split) {
        Path jpg = DatasetFiles.require(root.resolve("jpg"), "flowers102", URL);
        Path labelFile = DatasetFiles.require(root.resolve("imagelabels.mat"), "flowers102", URL);
        Path setFile = DatasetFiles.require(root.resolve("setid.mat"), "flowers102", URL);
        Matrix all = matrix(labelFile, "labels");
        String setName = switch (split) {
            case TRAIN -> "trnid";
            case VALID -> "valid";
            case TEST -> "tstid";
        };
        Matrix ids = matrix(setFile, setName);
        int n = ids.getNumElements();
        int[] numbers = new int[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            numbers[i] = (int) ids.getDouble(i);
            if (numbers[i] < 1 || numbers[i] > all.getNumElements()) {
                throw new IllegalArgumentException(setFile + ": " + setName + " names image " + numbers[i] + ", but "
                        + labelFile + " labels " + all.getNumElements() + " images");
            }
            labels[i] = (int) all.getDouble(numbers[i] - 1) - 1;
            if (labels[i] < 0 || labels[i] >= CLASSES) {
                throw new IllegalArgumentException(labelFile + ": label of image " + numbers[i] + " is " + (labels[i] + 1)
                        + ", expected 1.." + CLASSES);
            }
        }
        return new Flowers102Dataset(split, jpg, numbers, labels);
    }

    private static Matrix matrix(Path file, String name) {
        MatFile mat;
        try {
            mat = Mat5.readFromFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a MATLAB v5 file (" + e.getMessage() + ")", e);
        }
        try {
            return mat.getMatrix(name);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": has no numeric array '" + name + "' (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String dataset() {
        return "flowers102";
    }

    @Override
    public Split split() {
        return split;
    }

    @Override
    public int size() {
        return numbers.length;
    }

    private Path file(int index) {
        return jpg.resolve(String.format(Locale.ROOT, "image_%05d.jpg", numbers[index]));
    }

    @Override
    public BufferedImage image(int index) throws IOException {
        return ImageDecoding.decode(file(index));
    }

    @Override
    public String source(int index) {
        return file(index).toString();
    }

    @Override
    public int numClasses() {
        return CLASSES;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }
}
