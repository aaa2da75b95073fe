package org.ddim4j.data;

import java.nio.file.Path;
import java.util.List;

/** A split of image files each labelled with one of a fixed number of classes. */
public abstract class LabelledFileImageSplit extends FileImageSplit {
    private final int classes;
    private final int[] labels;

    /** @param labels the class of each file, in [0, classes) */
    protected LabelledFileImageSplit(String dataset, Split split, List<Path> files, int classes, int[] labels) {
        super(dataset, split, files);
        if (labels.length != files.size()) {
            throw new IllegalArgumentException(dataset + ": " + labels.length + " labels for " + files.size() + " images");
        }
        this.classes = classes;
        this.labels = labels.clone();
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }
}
