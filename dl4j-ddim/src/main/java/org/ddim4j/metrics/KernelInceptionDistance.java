package org.ddim4j.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.SplittableRandom;

/**
 * KID (Binkowski et al. 2018, Sec. 3): the unbiased estimate of the squared maximum mean discrepancy between two
 * feature sets under the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets drawn
 * without replacement, as the paper's code and torch-fidelity compute it:
 * <pre>
 *   MMD^2_u = [ sum_{i!=j} k(x_i, x_j) + sum_{i!=j} k(y_i, y_j) ] / (m (m - 1)) - 2 sum_{i,j} k(x_i, y_j) / m^2
 * </pre>
 * Reported as the mean and the standard deviation (population, ddof 0, as torch-fidelity) of the per-subset
 * values, plain MMD^2: not scaled by 1000 (that scaling is for display only, and is said where it is used).
 */
public final class KernelInceptionDistance {
    public static final int DEFAULT_SUBSETS = 100;
    public static final int DEFAULT_SUBSET_SIZE = 1000;

    /**
     * @param mean       the mean of the subsets' MMD^2
     * @param std        their standard deviation (ddof 0)
     * @param subsets    how many subsets
     * @param subsetSize m, the vectors drawn from each set per subset
     */
    public record Result(double mean, double std, int subsets, int subsetSize) {
    }

    private KernelInceptionDistance() {
    }

    /** KID with {@value #DEFAULT_SUBSETS} subsets of min({@value #DEFAULT_SUBSET_SIZE}, n_x, n_y). */
    public static Result between(INDArray x, INDArray y, long seed) {
        return between(x, y, DEFAULT_SUBSETS, DEFAULT_SUBSET_SIZE, seed);
    }

    /** KID over {@code subsets} subsets of min(subsetSize, n_x, n_y) vectors from each set, drawn with the seed. */
    public static Result between(INDArray x, INDArray y, int subsets, int subsetSize, long seed) {
        Features.checkSameWidth(x, y);
        if (subsets < 1 || subsetSize < 2) {
            throw new IllegalArgumentException("KID needs at least 1 subset of at least 2 vectors; got " + subsets
                    + " of " + subsetSize);
        }
        int m = (int) Math.min(subsetSize, Math.min(x.size(0), y.size(0)));
        if (m < 2) {
            throw new IllegalArgumentException("KID needs at least 2 feature vectors per set; got " + x.size(0)
                    + " and " + y.size(0));
        }
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray yd = y.castTo(DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] values = new double[subsets];
        for (int s = 0; s < subsets; s++) {
            INDArray xs = rows(xd, choose(rng, (int) x.size(0), m));
            INDArray ys = rows(yd, choose(rng, (int) y.size(0), m));
            values[s] = unbiasedMmd2(xs, ys);
        }
        return summary(values, m);
    }

    /** Mean and standard deviation (ddof 0) of per-subset values of m vectors a side. */
    private static Result summary(double[] values, int m) {
        double mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
        double var = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
        return new Result(mean, Math.sqrt(var), values.length, m);
    }

    /**
     * The floor of KID when the held-out images are too few: the reference split into two random disjoint halves of
     * m = floor(n / 2) vectors, MMD^2_u between them, over {@code splits} splits. Both halves come from one
     * distribution, so its expected value is 0 (the estimator is unbiased) and its spread is how far chance alone
     * moves KID with m images a side: a model whose KID lies within it is indistinguishable from real images at
     * that size. (A model's KID uses subsets of min(1000, N, n) vectors, about twice m here, so its own chance
     * spread is smaller: this floor is conservative.)
     */
    public static Result betweenHalves(INDArray x, int splits, long seed) {
        int n = (int) x.size(0);
        int m = n / 2;
        if (m < 2 || splits < 1) {
            throw new IllegalArgumentException("KID between halves needs at least 4 vectors and 1 split; got " + n
                    + " vectors and " + splits + " splits");
        }
        INDArray xd = x.castTo(DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] values = new double[splits];
        for (int s = 0; s < splits; s++) {
            int[] order = choose(rng, n, 2 * m);
            values[s] = unbiasedMmd2(rows(xd, java.util.Arrays.copyOfRange(order, 0, m)),
                    rows(xd, java.util.Arrays.copyOfRange(order, m, 2 * m)));
        }
        return summary(values, m);
    }

    /** MMD^2_u of two sets of m vectors each (rows), with the cubic polynomial kernel. */
    public static double unbiasedMmd2(INDArray x, INDArray y) {
        Features.checkSameWidth(x, y);
        if (x.size(0) != y.size(0) || x.size(0) < 2) {
            throw new IllegalArgumentException("the unbiased MMD^2 takes two sets of the same size m >= 2; got "
                    + x.size(0) + " and " + y.size(0));
        }
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray yd = y.castTo(DataType.DOUBLE);
        double m = x.size(0);
        double d = x.size(1);
        // 1. the three kernel matrices
        INDArray kxx = kernel(xd, xd, d);
        INDArray kyy = kernel(yd, yd, d);
        INDArray kxy = kernel(xd, yd, d);
        // 2. sums without the diagonals of K_XX and K_YY
        double sxx = kxx.sumNumber().doubleValue() - diagonalSum(kxx);
        double syy = kyy.sumNumber().doubleValue() - diagonalSum(kyy);
        double sxy = kxy.sumNumber().doubleValue();
        // 3. the estimator above
        return (sxx + syy) / (m * (m - 1)) - 2 * sxy / (m * m);
    }

    private static INDArray kernel(INDArray a, INDArray b, double d) {
        return Transforms.pow(a.mmul(b.transpose()).divi(d).addi(1), 3, false);
    }

    private static double diagonalSum(INDArray square) {
        double t = 0;
        for (long i = 0; i < square.size(0); i++) {
            t += square.getDouble(i, i);
        }
        return t;
    }

    /** m distinct indices of 0..n-1, uniformly (a partial Fisher-Yates shuffle). */
    static int[] choose(SplittableRandom rng, int n, int m) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, m);
    }

    private static INDArray rows(INDArray a, int[] index) {
        return Nd4j.pullRows(a, 1, index);
    }
}
