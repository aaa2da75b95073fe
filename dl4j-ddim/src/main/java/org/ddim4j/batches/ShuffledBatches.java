package org.ddim4j.batches;

import org.ddim4j.random.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batches as a shuffling data loader serves them: every epoch visits each image once in an order drawn from
 * (seed, epoch). Image k of the run (k = iteration x batch + i, counting from 0) is position k mod N of epoch
 * k / N, so any iteration's batch can be produced directly. Images come from memory or are loaded on demand.
 * With {@link #withClassRepeats class repeats} an epoch visits each image of a repeated class r times (N becomes the
 * number of such visits), in one shuffled order as before.
 */
public final class ShuffledBatches implements BatchSource {
    /** Loads image i of a dataset as [C, H, W] float32 in [-1, 1]. */
    @FunctionalInterface
    public interface ImageLoader {
        INDArray load(int index) throws java.io.IOException;
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShuffledBatches.class);

    private final int count;
    private final ImageLoader loader;
    private final INDArray images;
    private final long seed;
    private final boolean strict;
    private final java.util.Set<Integer> unreadable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<String> classNames;
    private final int[] labels;
    /** The image at each position of an unshuffled epoch when classes are repeated; null: image i at position i. */
    private final int[] slots;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    /** @param images [N, C, H, W] in [-1, 1], held in memory */
    public ShuffledBatches(INDArray images, long seed) {
        if (images.rank() != 4 || images.size(0) == 0) {
            throw new IllegalArgumentException("need a non-empty [N, C, H, W] array of images");
        }
        this.images = images.castTo(DataType.FLOAT);
        this.count = (int) images.size(0);
        this.loader = null;
        this.seed = seed;
        this.strict = false;
        this.classNames = List.of();
        this.labels = null;
        this.slots = null;
    }

    /**
     * Images loaded on demand: {@code count} of them, by index. An image that cannot be read (a damaged file) is
     * skipped: logged once, counted ({@link #unreadable()}), and replaced in its batch by the next readable index, so
     * a run goes on and stays repeatable; {@link #strict()} stops at the first one instead.
     */
    public ShuffledBatches(int count, ImageLoader loader, long seed) {
        this(count, loader, seed, false);
    }

    private ShuffledBatches(int count, ImageLoader loader, long seed, boolean strict) {
        if (count <= 0) {
            throw new IllegalArgumentException("the dataset has no images");
        }
        this.images = null;
        this.count = count;
        this.loader = loader;
        this.seed = seed;
        this.strict = strict;
        this.classNames = List.of();
        this.labels = null;
        this.slots = null;
    }

    private ShuffledBatches(ShuffledBatches base, boolean strict, List<String> classNames, int[] labels, int[] slots) {
        this.images = base.images;
        this.count = base.count;
        this.loader = base.loader;
        this.seed = base.seed;
        this.strict = strict;
        this.classNames = classNames;
        this.labels = labels;
        this.slots = slots;
    }

    /** These batches, stopping at the first unreadable image with a one-line error (training's --strict). */
    public ShuffledBatches strict() {
        return loader == null ? this : new ShuffledBatches(this, true, classNames, labels, slots);
    }

    /**
     * These batches with a class label per image (same images, same order).
     *
     * @param labels the class of image i, in [0, names.size())
     */
    public ShuffledBatches withLabels(List<String> names, int[] labels) {
        if (names.isEmpty() || labels.length != count) {
            throw new IllegalArgumentException("need class names and one label per image (" + count + "), got "
                    + names.size() + " names and " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= names.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of training image #" + i + " is outside 0.."
                        + (names.size() - 1));
            }
        }
        return new ShuffledBatches(this, strict, List.copyOf(names), labels.clone(), null);
    }

    /**
     * These batches with the images of some classes shown several times per epoch (training.class_repeats): an image
     * whose class has repeat r fills r positions of every epoch, any other image one, and each epoch is one shuffled
     * order of all positions. No repeats: these batches unchanged.
     *
     * @param repeats repeat factor (at least 1) by class name; every name must be one of {@link #classNames()}
     */
    @Override
    public ShuffledBatches withClassRepeats(java.util.Map<String, Integer> repeats) {
        if (repeats.isEmpty()) {
            return this;
        }
        if (labels == null) {
            throw new IllegalArgumentException("training.class_repeats needs training images labelled with classes;"
                    + " these carry none");
        }
        int[] perClass = new int[classNames.size()];
        Arrays.fill(perClass, 1);
        repeats.forEach((name, r) -> {
            int c = classNames.indexOf(name);
            if (c < 0) {
                throw new IllegalArgumentException("training.class_repeats names '" + name
                        + "', which is not a class of the training images " + classNames);
            }
            if (r == null || r < 1) {
                throw new IllegalArgumentException("training.class_repeats." + name + " = " + r
                        + ": expected a positive integer");
            }
            perClass[c] = r;
        });
        long positions = 0;
        for (int l : labels) {
            positions += perClass[l];
        }
        if (positions > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("training.class_repeats " + repeats + " make an epoch of " + positions
                    + " images; at most " + (Integer.MAX_VALUE - 8) + " are possible");
        }
        int[] newSlots = new int[(int) positions];
        int p = 0;
        for (int i = 0; i < count; i++) {
            for (int r = 0; r < perClass[labels[i]]; r++) {
                newSlots[p++] = i;
            }
        }
        return new ShuffledBatches(this, strict, classNames, labels, newSlots);
    }

    /** How many images one epoch visits: {@link #size()}, or more when classes are repeated. */
    public int epochLength() {
        return slots == null ? count : slots.length;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public List<Integer> classCounts() {
        if (labels == null) {
            return List.of();
        }
        int[] counts = new int[classNames.size()];
        for (int l : labels) {
            counts[l]++;
        }
        return Arrays.stream(counts).boxed().toList();
    }

    @Override
    public int[] labels(long iteration, int batchSize) {
        if (labels == null) {
            return BatchSource.super.labels(iteration, batchSize);
        }
        int[] idx = indices(iteration, batchSize);
        int[] out = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            out[i] = labels[resolved(idx[i])];
        }
        return out;
    }

    /** The image that stands at index i in a batch: i, or the first readable one after it (as {@link #readable}). */
    private int resolved(int index) {
        for (int j = 0; j < count; j++) {
            int k = (index + j) % count;
            if (!unreadable.contains(k)) {
                return k;
            }
        }
        return index;
    }

    /** How many distinct images could not be read so far. */
    public int unreadable() {
        return unreadable.size();
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public INDArray batch(long iteration, int batchSize) {
        return gather(indices(iteration, batchSize));
    }

    private int[] indices(long iteration, int batchSize) {
        int n = epochLength();
        int[] idx = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            long k = iteration * batchSize + i;
            int position = order(k / n)[(int) (k % n)];
            idx[i] = slots == null ? position : slots[position];
        }
        return idx;
    }

    private INDArray gather(int[] idx) {
        if (images != null) {
            return Nd4j.pullRows(images.reshape(count, -1), 1, idx).reshape(idx.length, images.size(1),
                    images.size(2), images.size(3));
        }
        INDArray[] slices = new INDArray[idx.length];
        for (int i = 0; i < idx.length; i++) {
            INDArray img = readable(idx[i]);
            slices[i] = img.reshape(1, img.size(0), img.size(1), img.size(2));
        }
        return Nd4j.concat(0, slices).castTo(DataType.FLOAT);
    }

    /** Image {@code index}, or (not strict) the first readable one after it, cyclically. */
    private INDArray readable(int index) {
        for (int j = 0; j < count; j++) {
            int k = (index + j) % count;
            if (unreadable.contains(k)) {
                continue;
            }
            try {
                return loader.load(k);
            } catch (java.io.IOException | RuntimeException e) {
                if (strict) {
                    throw new IllegalArgumentException("training image #" + k + " cannot be read: " + e.getMessage()
                            + " (without --strict it would be skipped)", e);
                }
                if (unreadable.add(k)) {
                    LOG.warn("skipped training image #{}: {} ({} unreadable so far)", k, e.getMessage(), unreadable.size());
                }
            }
        }
        throw new IllegalArgumentException("none of the " + count + " training images can be read");
    }

    private int[] order(long epoch) {
        if (epoch != cachedEpoch) {
            int n = epochLength();
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            cachedOrder = perm;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** The first images of the dataset (for grids of training data). */
    public INDArray images(int max) {
        int[] idx = new int[Math.min(max, size())];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return gather(idx);
    }
}
