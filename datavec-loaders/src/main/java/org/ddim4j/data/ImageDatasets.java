package org.ddim4j.data;

import org.ddim4j.batches.ShuffledBatches;
import org.ddim4j.config.Choices;
import org.ddim4j.config.Dataset;
import org.ddim4j.data.anime.AnimeDataset;
import org.ddim4j.data.celeba.CelebaDataset;
import org.ddim4j.data.cifar.Cifar10Dataset;
import org.ddim4j.data.emoji.EmojiDataset;
import org.ddim4j.data.emoji.EmojiVendor;
import org.ddim4j.data.ffhq.FfhqDataset;
import org.ddim4j.data.flowers.Flowers102Dataset;
import org.ddim4j.data.imagenet.Imagenet64Dataset;
import org.ddim4j.data.lsun.ChurchDataset;
import org.ddim4j.data.miniplaces.MiniplacesDataset;
import org.ddim4j.image.Images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Every dataset by its {@code data.dataset} name, as an {@link ImageSplit} of its files under a root folder. */
public final class ImageDatasets {
    /** The names, as the seed's configs spell them. */
    public static final List<String> NAMES = Choices.names(Dataset.class);

    /** The emoji category the demo model learns, whose subcategories {@code emoji-smileys} labels. */
    public static final String SMILEYS = "Smileys & Emotion";

    private ImageDatasets() {
    }

    /**
     * One split of a dataset; {@code root} may be null for emoji (its own cache folder). When the files are not
     * directly in {@code root} but in {@code root/NAME} (a shared root such as the seed's {@code ~/.torch/datasets}),
     * that folder is used.
     */
    public static ImageSplit open(String name, Path root, Split split) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown dataset '" + name + "'; datasets are " + NAMES);
        }
        if (root == null && !name.startsWith("emoji")) {
            throw new IllegalArgumentException(name + ": give the folder holding the dataset's files (--root / --data-root)");
        }
        try {
            return openAt(name, root, split);
        } catch (DatasetNotFoundException e) {
            Path sub = root == null ? null : root.resolve(name);
            if (sub != null && java.nio.file.Files.isDirectory(sub)) {
                return openAt(name, sub, split);
            }
            throw e;
        }
    }

    private static ImageSplit openAt(String name, Path root, Split split) {
        return switch (name) {
            case "celeba" -> CelebaDataset.open(root, split);
            case "ffhq" -> FfhqDataset.open(root, split);
            case "church" -> ChurchDataset.open(root, split);
            case "flowers102" -> Flowers102Dataset.open(root, split);
            case "imagenet64" -> Imagenet64Dataset.open(root, split);
            case "miniplaces" -> MiniplacesDataset.open(root, split);
            case "anime" -> AnimeDataset.open(root, split);
            case "cifar10" -> cifar10(root, split);
            case "emoji", "emoji-subcategories", "emoji-smileys", "emoji-smileys-twemoji", "emoji-smileys-noto-twemoji" ->
                    emoji(name, root, split);
            default -> throw new IllegalArgumentException("unknown dataset '" + name + "'; datasets are " + NAMES);
        };
    }

    private static ImageSplit cifar10(Path root, Split split) {
        if (split == Split.VALID) {
            throw new IllegalArgumentException("cifar10: the release has train and test splits, no validation split");
        }
        Cifar10Dataset.Part part = Cifar10Dataset.open(root).split(split);
        return new ImageSplit() {
            public String dataset() {
                return "cifar10";
            }

            public Split split() {
                return split;
            }

            public int size() {
                return part.size();
            }

            public BufferedImage image(int index) throws IOException {
                return Images.toImage(part.image(index));
            }

            public String source(int index) {
                return root + " cifar-10 record " + index;
            }

            public int numClasses() {
                return Cifar10Dataset.CLASSES.size();
            }

            public int label(int index) {
                try {
                    return part.label(index);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }

    /** One image of an emoji dataset: whose set it is in, and which. */
    private record EmojiImage(EmojiDataset set, EmojiDataset.Entry entry) {
        public BufferedImage read() throws IOException {
            return set.read(entry);
        }
    }

    /**
     * The vendors whose drawings an emoji dataset holds: Twemoji for "emoji-smileys-twemoji", Noto then Twemoji for
     * "emoji-smileys-noto-twemoji", else Noto.
     */
    public static List<EmojiVendor> emojiVendors(String name) {
        return switch (name) {
            case "emoji-smileys-twemoji" -> List.of(EmojiVendor.TWEMOJI);
            case "emoji-smileys-noto-twemoji" -> List.of(EmojiVendor.NOTO, EmojiVendor.TWEMOJI);
            default -> List.of(EmojiVendor.NOTO);
        };
    }

    /** The sets of the dataset's vendors, opened ({@link #emojiVendors}, {@link EmojiDataset#folderFor}). */
    private static List<EmojiDataset> emojiSets(String name, Path root, boolean download) {
        return emojiVendors(name).stream()
                .map(vendor -> EmojiDataset.open(EmojiDataset.folderFor(root, vendor), vendor, download)).toList();
    }

    /**
     * A split of an emoji dataset: each of its vendors' sets in turn, sorted by file name within each, keeping only
     * "Smileys &amp; Emotion" for the names starting "emoji-smileys".
     */
    private static List<EmojiImage> emojiImages(String name, List<EmojiDataset> sets, Split split) {
        boolean smileysOnly = name.startsWith("emoji-smileys");
        List<EmojiImage> out = new java.util.ArrayList<>();
        for (EmojiDataset set : sets) {
            for (EmojiDataset.Entry e : set.entries(split)) {
                if (!smileysOnly || e.categoryName().equals(SMILEYS)) {
                    out.add(new EmojiImage(set, e));
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * The emoji set, by name: "emoji" labelled by category (10 classes); "emoji-subcategories" by subcategory
     * ("heart", "face-smiling", "cat-face"...: finer attributes); "emoji-smileys" only the category "Smileys &amp;
     * Emotion" (the demo model's), labelled by its 16 subcategories: the attributes of that model's samples;
     * "emoji-smileys-twemoji" and "emoji-smileys-noto-twemoji" the same category drawn by Twemoji, or by both.
     */
    private static ImageSplit emoji(String name, Path root, Split split) {
        List<EmojiDataset> sets = emojiSets(name, root, true);
        List<EmojiImage> entries = emojiImages(name, sets, split);
        boolean bySubcategory = !name.equals("emoji");
        List<String> classes = !bySubcategory ? sets.get(0).categories()
                : java.util.stream.Stream.concat(emojiImages(name, sets, Split.TRAIN).stream(),
                                emojiImages(name, sets, Split.VALID).stream())
                        .map(i -> i.entry().subcategory()).distinct().sorted().toList();
        return new ImageSplit() {
            public String dataset() {
                return name;
            }

            public Split split() {
                return split;
            }

            public int size() {
                return entries.size();
            }

            public BufferedImage image(int index) throws IOException {
                return entries.get(index).read();
            }

            public String source(int index) {
                EmojiImage image = entries.get(index);
                return image.set().file(image.entry()).toString();
            }

            public int numClasses() {
                return classes.size();
            }

            public List<String> classNames() {
                return classes;
            }

            public int label(int index) {
                EmojiDataset.Entry e = entries.get(index).entry();
                return bySubcategory ? classes.indexOf(e.subcategory()) : e.category();
            }
        };
    }

    /**
     * Images [from, from + count) of a split as one tensor [count, 3, size, size] in [-1, 1], transformed as training
     * reads them (composited onto white, short side resized to size, centre crop, no flip).
     */
    public static org.nd4j.linalg.api.ndarray.INDArray tensors(ImageSplit split, int size, int from, int count)
            throws IOException {
        if (from < 0 || count < 1 || from + count > split.size()) {
            throw new IllegalArgumentException(split.dataset() + " " + split.split().name().toLowerCase()
                    + ": images " + from + ".." + (from + count - 1) + " asked for, the split holds " + split.size());
        }
        org.nd4j.linalg.api.ndarray.INDArray out = org.nd4j.linalg.factory.Nd4j.create(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, count, 3, size, size);
        for (int i = 0; i < count; i++) {
            BufferedImage rgb = ImageTransforms.compositeOnto(split.image(from + i), java.awt.Color.WHITE);
            out.slice(i).assign(Images.fromImage(ImageTransforms.resizeShortSideAndCenterCrop(rgb, size)));
        }
        return out;
    }

    /** A split as the trainer's batches: images transformed as the seed does, read on demand. */
    public static ShuffledBatches batches(ImageSplit split, int size, long seed) {
        return labelled(new ShuffledBatches(split.size(), i -> {
            BufferedImage rgb = ImageTransforms.compositeOnto(split.image(i), java.awt.Color.WHITE);
            return Images.fromImage(ImageTransforms.resizeShortSideAndCenterCrop(rgb, size));
        }, seed), split);
    }

    /**
     * The batches with the split's class labels, when it has them (a split without class names gets "0".."K-1");
     * unchanged otherwise.
     */
    public static ShuffledBatches labelled(ShuffledBatches batches, ImageSplit split) {
        int k = split.numClasses();
        if (k == 0) {
            return batches;
        }
        List<String> names = split.classNames().size() == k ? split.classNames()
                : java.util.stream.IntStream.range(0, k).mapToObj(String::valueOf).toList();
        int[] labels = new int[split.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = split.label(i);
        }
        return batches.withLabels(names, labels);
    }
}
