package org.ddim4j.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A split whose images are files (one per image), listed when the split is opened. */
public abstract class FileImageSplit implements ImageSplit {
    private final String dataset;
    private final Split split;
    private final List<Path> files;

    protected FileImageSplit(String dataset, Split split, List<Path> files) {
        this.dataset = dataset;
        this.split = split;
        this.files = List.copyOf(files);
    }

    @Override
    public String dataset() {
        return dataset;
    }

    @Override
    public Split split() {
        return split;
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public BufferedImage image(int index) throws IOException {
        return ImageDecoding.decode(files.get(index));
    }

    @Override
    public String source(int index) {
        return files.get(index).toString();
    }
}
