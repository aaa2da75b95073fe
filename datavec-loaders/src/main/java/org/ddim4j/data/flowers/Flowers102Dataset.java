package org.ddim4j.data.flowers;

import org.ddim4j.data.DatasetFiles;
import org.ddim4j.data.LabelledFileImageSplit;
import org.ddim4j.data.Split;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Oxford Flowers 102 (8,189 images) as its three downloads unpack: {@code jpg/image_NNNNN.jpg},
 * {@code imagelabels.mat} ({@code labels}, 1..102 per image) and {@code setid.mat} ({@code trnid},
 * {@code valid}, {@code tstid}: 1-based image numbers of the train, validation and test splits), MATLAB v5
 * files. Classes are 0..101.
 */
public final class Flowers102Dataset extends LabelledFileImageSplit {
    public static final String URL = "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/";
    public static final int CLASSES = 102;
    private Flowers102Dataset(Split split, List<Path> files, int[] labels) {
        super("flowers102", split, files, CLASSES, labels);
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
        List<Path> files = new java.util.ArrayList<>();
        for (int number : numbers) {
            files.add(jpg.resolve(String.format(Locale.ROOT, "image_%05d.jpg", number)));
        }
        return new Flowers102Dataset(split, files, labels);
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
}
