package org.ddim4j.model;

import org.ddim4j.config.NetworkConfig;
import org.ddim4j.random.Seeds;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The classes of a class-conditional model and how often each occurs in its training data: labels for samples are
 * drawn in those proportions, so that what a model generates follows its data's mix of classes (what KID and FID
 * compare it with).
 */
public record ClassPrior(List<String> names, List<Integer> counts) {
    public ClassPrior {
        names = List.copyOf(names);
        counts = List.copyOf(counts);
        if (names.isEmpty() || names.size() != counts.size()) {
            throw new IllegalArgumentException("a class prior needs one count per class, got " + names.size()
                    + " names and " + counts.size() + " counts");
        }
    }

    /** The prior of a conditional network's config. */
    public static ClassPrior of(NetworkConfig network) {
        if (!network.classConditional() || network.numClasses() == 0) {
            throw new IllegalArgumentException("the network is not class-conditional: it has no classes to draw");
        }
        return new ClassPrior(network.classNames(), network.classCounts());
    }

    /**
     * The prior restricted to some classes: their training counts kept, every other class's set to 0, so that draws
     * give only these classes, in their proportions among themselves (labels keep their meaning: the network's).
     * An unknown or repeated name is refused naming the classes there are; so is a set of classes without images.
     */
    public ClassPrior restrictedTo(List<String> kept) {
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("no classes given to draw from; the model's classes are " + names);
        }
        Integer[] restricted = new Integer[size()];
        Arrays.fill(restricted, 0);
        Set<String> seen = new HashSet<>();
        for (String name : kept) {
            int k = label(name);
            if (!seen.add(name)) {
                throw new IllegalArgumentException("class '" + name + "' is given twice");
            }
            restricted[k] = counts.get(k);
        }
        if (Arrays.stream(restricted).allMatch(c -> c == 0)) {
            throw new IllegalArgumentException("the classes " + kept + " have no training images to draw in proportion to");
        }
        return new ClassPrior(names, List.of(restricted));
    }

    public int size() {
        return names.size();
    }

    /** The label of a class name; an unknown name is refused naming the classes there are. */
    public int label(String name) {
        int k = names.indexOf(name);
        if (k < 0) {
            throw new IllegalArgumentException("unknown class '" + name + "'; the model's classes are " + names);
        }
        return k;
    }

    /** {@code count} labels drawn independently with probability counts[k] / sum(counts): rows 0..count-1 of {@link #drawRows}. */
    public int[] draw(int count, long seed) {
        return drawRows(seed, 0, count);
    }

    /**
     * Labels of rows [from, to) of an endless sequence drawn from {@code seed}: row i's label depends on the seed and i
     * alone (however the rows are split into batches or shards), with probability counts[k] / sum(counts).
     */
    public int[] drawRows(long seed, long from, long to) {
        long total = counts.stream().mapToLong(Integer::longValue).sum();
        int[] out = new int[Math.toIntExact(to - from)];
        for (int i = 0; i < out.length; i++) {
            long u = new SplittableRandom(Seeds.mix(seed, from + i)).nextLong(total);
            int k = 0;
            while (u >= counts.get(k)) {
                u -= counts.get(k);
                k++;
            }
            out[i] = k;
        }
        return out;
    }

    /** One-hot rows [B, K] of the labels; a label of -1 gives a zero row (the null class). */
    public INDArray oneHot(int[] labels) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, labels.length, size());
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < -1 || labels[i] >= size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside 0.." + (size() - 1));
            }
            if (labels[i] >= 0) {
                y.putScalar(i, labels[i], 1f);
            }
        }
        return y;
    }
}
