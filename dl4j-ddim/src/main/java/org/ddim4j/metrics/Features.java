package org.ddim4j.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/** Checks and helpers shared by the metrics: feature matrices [N, D] and their pairwise distances. */
final class Features {
    /** Rows per block when distances are computed block by block (a block is ROWS x M doubles). */
    private static final int ROWS = 512;

    private Features() {
    }

    static void checkMatrix(String what, INDArray features) {
        if (features == null || features.rank() != 2 || features.size(0) == 0 || features.size(1) == 0) {
            throw new IllegalArgumentException(what + ": expected features [N, D] with N, D >= 1, got "
                    + (features == null ? "nothing" : Arrays.toString(features.shape())));
        }
        if (!features.dataType().isFPType()) {
            throw new IllegalArgumentException(what + ": expected floating-point features, got " + features.dataType());
        }
    }

    static void checkSameWidth(INDArray a, INDArray b) {
        checkMatrix("first feature set", a);
        checkMatrix("second feature set", b);
        if (a.size(1) != b.size(1)) {
            throw new IllegalArgumentException("the two feature sets have different widths: " + a.size(1) + " and "
                    + b.size(1) + " (features of different networks?)");
        }
    }

    /** Rows [from, to) of the squared Euclidean distances between the rows of a and of b, in double: [to - from, M]. */
    static INDArray squaredDistances(INDArray a, INDArray b, int from, int to) {
        INDArray ad = a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).castTo(DataType.DOUBLE);
        INDArray bd = b.castTo(DataType.DOUBLE);
        // |a - b|^2 = |a|^2 - 2 a.b + |b|^2, clamped at 0 against rounding
        INDArray d = ad.mmul(bd.transpose()).muli(-2);
        d.addiColumnVector(ad.mul(ad).sum(1).reshape(to - from, 1));
        d.addiRowVector(bd.mul(bd).sum(1).reshape(1, bd.size(0)));
        return Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(d));
    }

    /** For each row of a: the squared distance to its k-th nearest row of b (k = 1 the nearest), and its index. */
    static double[][] kthNearest(INDArray a, INDArray b, int k, boolean excludeSame) {
        int n = (int) a.size(0);
        int m = (int) b.size(0);
        double[] dist = new double[n];
        double[] index = new double[n];
        for (int from = 0; from < n; from += ROWS) {
            int to = Math.min(n, from + ROWS);
            double[][] block = squaredDistances(a, b, from, to).toDoubleMatrix();
            for (int r = 0; r < block.length; r++) {
                double[] row = block[r];
                if (excludeSame) {
                    row[from + r] = Double.POSITIVE_INFINITY;
                }
                int[] order = smallest(row, Math.min(k, m));
                int j = order[order.length - 1];
                dist[from + r] = row[j];
                index[from + r] = j;
            }
        }
        return new double[][]{dist, index};
    }

    /** The indices of the k smallest values, in increasing order of value (ties by index). */
    static int[] smallest(double[] row, int k) {
        int[] best = new int[k];
        int size = 0;
        for (int j = 0; j < row.length; j++) {
            double v = row[j];
            if (size == k && !(v < row[best[k - 1]])) {
                continue;
            }
            int pos = size < k ? size++ : k - 1;
            while (pos > 0 && v < row[best[pos - 1]]) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = j;
        }
        return Arrays.copyOf(best, size);
    }
}
