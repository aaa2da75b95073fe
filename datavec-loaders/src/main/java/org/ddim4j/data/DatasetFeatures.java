package org.ddim4j.data;

import org.ddim4j.metrics.ReferenceFeatures;
import org.ddim4j.io.Sha256;
import org.ddim4j.metrics.FeatureCache;
import org.ddim4j.metrics.FeatureExtractor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Features of dataset splits for the quality metrics, read as training reads the images (composited onto white,
 * short side resized, centre crop; no flips) at a given size, a chunk at a time, and cached by {@link FeatureCache}.
 */
public final class DatasetFeatures {
    private static final int CHUNK = 256;

    private DatasetFeatures() {
    }

    /** The features of every image of a split [N, D]. */
    public static INDArray of(FeatureExtractor extractor, ImageSplit split, int size, FeatureCache cache, int batch)
            throws IOException {
        if (split.size() == 0) {
            throw new IllegalArgumentException(split.dataset() + " " + split.split().name().toLowerCase()
                    + ": the split holds no images");
        }
        StringBuilder listing = new StringBuilder();
        for (int i = 0; i < split.size(); i++) {
            listing.append(split.source(i)).append('\n');
        }
        var key = new FeatureCache.Key(split.dataset(), split.split().name().toLowerCase(), size, split.size(),
                extractor.name(), extractor.weightsSha256(), extractor.dimension(),
                Sha256.hex(listing.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return cache.getOrCompute(key, () -> {
            INDArray out = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, split.size(), extractor.dimension());
            for (int from = 0; from < split.size(); from += CHUNK) {
                int n = Math.min(CHUNK, split.size() - from);
                try {
                    INDArray images = ImageDatasets.tensors(split, size, from, n);
                    out.get(NDArrayIndex.interval(from, from + n), NDArrayIndex.all())
                            .assign(extractor.featuresInBatches(images, batch));
                } catch (IOException e) {
                    throw new UncheckedIOException(split.dataset() + ": cannot read image " + from + "..: " + e.getMessage(), e);
                }
            }
            return out;
        });
    }

    /**
     * The reference of a model's samples: the split's features, the training split's (for memorisation) and a
     * held-out split's (for the floor: valid or test when the reference is train, train otherwise).
     */
    public static ReferenceFeatures reference(FeatureExtractor extractor, String dataset, Path root, Split split,
                                              int size, FeatureCache cache, int batch) throws IOException {
        INDArray reference;
        int refSize;
        try (ImageSplit ref = ImageDatasets.open(dataset, root, split)) {
            reference = of(extractor, ref, size, cache, batch);
            refSize = ref.size();
        }
        INDArray training;
        if (split == Split.TRAIN) {
            training = reference;
        } else {
            try (ImageSplit train = ImageDatasets.open(dataset, root, Split.TRAIN)) {
                training = of(extractor, train, size, cache, batch);
            }
        }
        INDArray heldOut = null;
        String heldName = null;
        for (Split other : split == Split.TRAIN ? new Split[]{Split.VALID, Split.TEST} : new Split[]{Split.TRAIN}) {
            try (ImageSplit h = ImageDatasets.open(dataset, root, other)) {
                if (h.size() > 0) {
                    heldOut = of(extractor, h, size, cache, batch);
                    heldName = other.name().toLowerCase();
                    break;
                }
            } catch (IllegalArgumentException | DatasetNotFoundException e) {
                // this dataset has no such split: try the next
            }
        }
        String label = dataset + " " + split.name().toLowerCase() + " (" + refSize + " images at " + size + "px)"
                + (heldOut == null ? ", no held-out split" : "; held out: " + heldName + " (" + heldOut.size(0) + " images)");
        return new ReferenceFeatures(extractor, reference, training, heldOut, label);
    }
}
