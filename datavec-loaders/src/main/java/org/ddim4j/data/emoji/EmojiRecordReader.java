package org.ddim4j.data.emoji;

import org.ddim4j.data.ImageTransforms;
import org.ddim4j.data.IndexedImageRecordReader;
import org.ddim4j.data.Split;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Random;

/**
 * The emoji set as a DataVec record reader: images composited onto white, resized to {@code size}, in
 * [-1, 1]; label = category index ({@link #getLabels()}); horizontal flips with the given probability on the
 * training split only, drawn from the RNG passed in.
 */
public final class EmojiRecordReader extends IndexedImageRecordReader {
    private final EmojiDataset dataset;
    private final List<EmojiDataset.Entry> entries;
    private final int size;
    private final double flipProbability;
    private final Random rng;

    public EmojiRecordReader(EmojiDataset dataset, Split split, int size, double flipProbability, Random rng) {
        if (size <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + size);
        }
        this.dataset = dataset;
        this.entries = dataset.entries(split);
        this.size = size;
        this.flipProbability = split == Split.TRAIN ? flipProbability : 0.0;
        this.rng = rng;
    }

    @Override
    protected int count() {
        return entries.size();
    }

    @Override
    protected INDArray image(int index) throws IOException {
        BufferedImage rgb = ImageTransforms.compositeOnto(dataset.read(entries.get(index)), Color.WHITE);
        return ImageTransforms.toTensor(rgb, size, flipProbability, rng);
    }

    @Override
    protected int label(int index) {
        return entries.get(index).category();
    }

    @Override
    protected URI location(int index) {
        return dataset.file(entries.get(index)).toUri();
    }

    @Override
    public List<String> getLabels() {
        return dataset.categories();
    }
}
