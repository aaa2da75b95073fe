package org.ddim4j.data;

import org.ddim4j.data.cifar.Cifar10Dataset;
import org.ddim4j.image.Images;
import org.ddim4j.config.DataConfig;
import org.ddim4j.data.emoji.EmojiDataset;
import org.ddim4j.data.emoji.EmojiVendor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ddim4j.batches.BatchSource;
import org.ddim4j.batches.ShuffledBatches;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Training data by the seed configs' {@code data.dataset} names. */
public final class Datasets {
    /** Datasets this version reads. */
    public static final List<String> NAMES = ImageDatasets.NAMES;

    private Datasets() {
    }

    /**
     * The training split of a dataset as batches for the trainer.
     *
     * @param root folder of the dataset's files, or null for the dataset's default location
     */
    public static BatchSource trainingBatches(DataConfig data, Path root, long seed) {
        return switch (data.dataset()) {
            // every emoji, held in memory; labelled by category ("emoji") or subcategory ("emoji-subcategories")
            case EMOJI, EMOJI_SUBCATEGORIES -> emoji(data, root, seed, e -> true);
            // the demo's default category, held in memory as the demo holds it: a demo run resumed by ./ddim train gets
            // the same images in the same order
            case EMOJI_SMILEYS -> emoji(data, root, seed, e -> e.categoryName().equals(ImageDatasets.SMILEYS));
            // more drawings of the demo's category, held in memory the same way
            case EMOJI_SMILEYS_TWEMOJI, EMOJI_SMILEYS_NOTO_TWEMOJI -> emoji(data, root, seed,
                    ImageDatasets.emojiVendors(data.dataset().key()), e -> e.categoryName().equals(ImageDatasets.SMILEYS));
            case CIFAR10 -> cifar10(data, root, seed);
            default -> {
                if (data.channels() != 3 || data.height() != data.width()) {
                    throw new IllegalArgumentException(data.dataset() + " gives RGB images cropped square; data.shape is "
                            + data.shape());
                }
                yield ImageDatasets.batches(ImageDatasets.open(data.dataset().key(), root != null ? root : expandHome(data.root()),
                        Split.TRAIN), data.height(), seed);
            }
        };
    }

    /** CIFAR-10's 50,000 training images, read from disk as batches need them. */
    public static ShuffledBatches cifar10(DataConfig data, Path root, long seed) {
        if (root == null) {
            root = expandHome(data.root());
        }
        var part = Cifar10Dataset.open(root).split(Split.TRAIN);
        int size = data.height();
        if (data.channels() != 3 || data.height() != data.width()) {
            throw new IllegalArgumentException("CIFAR-10 gives square RGB images; data.shape is " + data.shape());
        }
        return ImageDatasets.labelled(new ShuffledBatches(part.size(), i -> size == 32 ? part.image(i)
                : Images.fromImage(ImageTransforms.resizeShortSideAndCenterCrop(
                Images.toImage(part.image(i)), size)), seed), ImageDatasets.open("cifar10", root, Split.TRAIN));
    }

    /** A data.root as the seed writes it ({@code ~/.torch/datasets}), with {@code ~} expanded. */
    static Path expandHome(String root) {
        return root.startsWith("~") ? Path.of(System.getProperty("user.home") + root.substring(1)) : Path.of(root);
    }

    /** The emoji training split (Noto's), optionally restricted to some images (e.g. one category), held in memory. */
    public static ShuffledBatches emoji(DataConfig data, Path root, long seed, Predicate<EmojiDataset.Entry> keep) {
        return emoji(data, root, seed, List.of(EmojiVendor.NOTO), keep);
    }

    /**
     * The emoji training split of each vendor's set in turn ({@link EmojiDataset#folderFor} of {@code root}),
     * optionally restricted to some images, held in memory, with the labels data.dataset gives them (category for
     * "emoji", subcategory for the others) when every image kept is in that dataset's split.
     */
    public static ShuffledBatches emoji(DataConfig data, Path root, long seed, List<EmojiVendor> vendors,
                                        Predicate<EmojiDataset.Entry> keep) {
        if (data.channels() != 3 || data.height() != data.width()) {
            throw new IllegalArgumentException("the emoji set gives square RGB images; data.shape is " + data.shape());
        }
        List<INDArray> parts = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (EmojiVendor vendor : vendors) {
            EmojiDataset ds = EmojiDataset.open(EmojiDataset.folderFor(root, vendor), vendor, data.download());
            List<EmojiDataset.Entry> entries = ds.entries(Split.TRAIN).stream().filter(keep).toList();
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("no emoji images left after filtering; categories are " + ds.categories());
            }
            entries.forEach(e -> files.add(ds.file(e).toString()));
            try {
                parts.add(ds.tensors(entries, data.height()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the emoji images in " + ds.root() + ": " + e.getMessage(), e);
            }
        }
        ShuffledBatches batches = new ShuffledBatches(parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(INDArray[]::new)), seed);
        // each image's class as data.dataset's split labels it (category for "emoji", else subcategory), by file; the
        // split is opened after the sets, which are there by now (so data.download: false is honoured)
        java.util.Map<String, Integer> labelOfFile = new java.util.HashMap<>();
        List<String> classNames;
        try (ImageSplit labelled = ImageDatasets.open(data.dataset().key(), root, Split.TRAIN)) {
            for (int i = 0; i < labelled.size(); i++) {
                labelOfFile.put(labelled.source(i), labelled.label(i));
            }
            classNames = labelled.classNames();
        }
        int[] labels = new int[files.size()];
        for (int i = 0; i < labels.length; i++) {
            Integer label = labelOfFile.get(files.get(i));
            if (label == null) {
                // an image kept beyond data.dataset's split: unlabelled (a class-conditional run refuses it)
                return batches;
            }
            labels[i] = label;
        }
        return batches.withLabels(classNames, labels);
    }
}
