package org.ddim4j.data.miniplaces;

import org.ddim4j.data.DatasetFiles;
import org.ddim4j.data.LabelledFileImageSplit;
import org.ddim4j.data.Split;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MiniPlaces (MIT's 100-scene subset of Places, 100,000 training and 10,000 validation images at 128x128) as
 * its development kit and image archive unpack: {@code train.txt} and {@code val.txt} (lines
 * "train/a/abbey/00000001.jpg 0", class 0..99) in ROOT or {@code ROOT/data}, naming files under
 * {@code ROOT/images} (or {@code ROOT/data/images}). The test split has no public labels.
 */
public final class MiniplacesDataset extends LabelledFileImageSplit {
    public static final String URL = "https://github.com/CSAILVision/miniplaces";
    public static final int CLASSES = 100;
    private MiniplacesDataset(Split split, List<Path> files, int[] labels) {
        super("miniplaces", split, files, CLASSES, labels);
    }

    public static MiniplacesDataset open(Path root, Split split) {
        if (split == Split.TEST) {
            throw new IllegalArgumentException("miniplaces: the test split has no public labels; use train or valid");
        }
        String listName = split == Split.TRAIN ? "train.txt" : "val.txt";
        Path list = DatasetFiles.firstExisting("miniplaces", URL, root.resolve(listName), root.resolve("data").resolve(listName));
        Path images = DatasetFiles.firstExisting("miniplaces", URL, root.resolve("images"), root.resolve("data").resolve("images"));
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                n++;
                String[] f = line.trim().split("\\s+");
                if (f.length == 1 && f[0].isEmpty()) {
                    continue;
                }
                int label;
                try {
                    label = f.length == 2 ? Integer.parseInt(f[1]) : -1;
                } catch (NumberFormatException e) {
                    label = -1;
                }
                if (label < 0 || label >= CLASSES) {
                    throw new IllegalArgumentException(list + " line " + n + ": expected 'PATH CLASS' with CLASS in 0.."
                            + (CLASSES - 1) + ", got '" + line + "'");
                }
                files.add(DatasetFiles.inside(root, images, f[0], list.toString()));
                labels.add(label);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("miniplaces: cannot read " + list + ": " + e.getMessage(), e);
        }
        return new MiniplacesDataset(split, List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray());
    }
}
