package org.ddim4j.data.cifar;

import org.ddim4j.data.ImageTransforms;
import org.ddim4j.data.IndexedImageRecordReader;
import org.ddim4j.data.Split;
import org.ddim4j.image.Images;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Random;

/**
 * CIFAR-10 as a DataVec record reader: [image [1, 3, size, size] in [-1, 1], class 0..9]; horizontal flips
 * with the given probability on the training split only, from the RNG passed in.
 */
public final class Cifar10RecordReader extends IndexedImageRecordReader {
    private final Cifar10Dataset.Part part;
    private final String splitName;
    private final int size;
    private final double flipProbability;
    private final Random rng;

    public Cifar10RecordReader(Cifar10Dataset dataset, Split split, int size, double flipProbability, Random rng) {
        this.part = dataset.split(split);
        this.splitName = split.name().toLowerCase();
        this.size = size;
        this.flipProbability = split == Split.TRAIN ? flipProbability : 0.0;
        this.rng = rng;
    }

    @Override
    protected int count() {
        return part.size();
    }

    @Override
    protected INDArray image(int index) throws IOException {
        INDArray img = part.image(index);
        if (size == Cifar10Dataset.SIDE && flipProbability == 0) {
            return img;
        }
        return ImageTransforms.toTensor(Images.toImage(img), size, flipProbability, rng);
    }

    @Override
    protected int label(int index) {
        try {
            return part.label(index);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected URI location(int index) {
        return URI.create("cifar10:" + splitName + "/" + index);
    }

    @Override
    public List<String> getLabels() {
        return Cifar10Dataset.CLASSES;
    }
}
