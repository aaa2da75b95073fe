package org.ddim4j.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Whether samples copy the training set. For each sample s its nearest training image t(s) in feature space; s counts
 * as memorised when it is closer to t(s) than t(s) is to its own nearest other training image: a copy (or near-copy)
 * lands inside the gap that separates training images from each other, a new image does not.
 *
 * @param share         the share of memorised samples, in [0, 1]
 * @param nearest       for each sample, the index of its nearest training image
 * @param distance      for each sample, the Euclidean distance to that image
 * @param trainingGap   for each sample, the distance from that image to its nearest other training image
 */
public record Memorisation(double share, int[] nearest, double[] distance, double[] trainingGap) {

    public static Memorisation of(INDArray samples, INDArray training) {
        Features.checkSameWidth(samples, training);
        if (training.size(0) < 2) {
            throw new IllegalArgumentException("memorisation needs at least 2 training images, got " + training.size(0));
        }
        // 1. each sample's nearest training image
        double[][] nn = Features.kthNearest(samples, training, 1, false);
        // 2. each training image's distance to its nearest other training image
        double[] gaps = Features.kthNearest(training, training, 1, true)[0];
        int n = (int) samples.size(0);
        int[] nearest = new int[n];
        double[] distance = new double[n];
        double[] gap = new double[n];
        int copies = 0;
        for (int i = 0; i < n; i++) {
            nearest[i] = (int) nn[1][i];
            distance[i] = Math.sqrt(nn[0][i]);
            gap[i] = Math.sqrt(gaps[nearest[i]]);
            if (distance[i] < gap[i]) {
                copies++;
            }
        }
        return new Memorisation(copies / (double) n, nearest, distance, gap);
    }

    /**
     * How evenly the samples spread over the training images: exp of the entropy of the share of samples each image
     * is nearest to, i.e. the number of equally visited images that would spread them as evenly. A model that draws
     * some training images far more often than the data holds them scores lower (even a perfect model's n draws
     * leave some of m images unvisited, so compare models at the same n).
     */
    public double effectiveImages() {
        double entropy = 0;
        for (long count : visits()) {
            double p = count / (double) nearest.length;
            entropy -= p * Math.log(p);
        }
        return Math.exp(entropy);
    }

    /** The share of samples whose nearest training image is one of the {@code count} most visited. */
    public double topShare(int count) {
        long[] visits = visits();
        Arrays.sort(visits);
        long top = 0;
        for (int i = visits.length - 1; i >= Math.max(0, visits.length - count); i--) {
            top += visits[i];
        }
        return top / (double) nearest.length;
    }

    /** How many samples each visited training image is nearest to (unvisited images left out). */
    private long[] visits() {
        return Arrays.stream(nearest).boxed()
                .collect(java.util.stream.Collectors.groupingBy(i -> i, java.util.stream.Collectors.counting()))
                .values().stream().mapToLong(Long::longValue).toArray();
    }

    /** The samples closest to their training image relative to its gap, most copy-like first (at most count). */
    public int[] closest(int count) {
        return IntStream.range(0, nearest.length).boxed()
                .sorted(Comparator.comparingDouble(i -> distance[i] / Math.max(trainingGap[i], 1e-300)))
                .limit(count).mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return "Memorisation[share=" + share + ", samples=" + nearest.length + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Memorisation m && m.share == share && Arrays.equals(m.nearest, nearest)
                && Arrays.equals(m.distance, distance) && Arrays.equals(m.trainingGap, trainingGap);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nearest);
    }
}
