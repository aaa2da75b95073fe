package org.ddim4j.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Improved precision and recall (Kynkaanniemi et al. 2019, Sec. 2, Eq. 1-2). Each set's manifold is the union of
 * balls around its feature vectors, each ball's radius the distance to that vector's k-th nearest neighbour in its
 * own set (k = 3, the paper's choice). Precision: the share of generated vectors inside the real manifold (how many
 * samples look real); recall: the share of real vectors inside the generated manifold (how much of the data the
 * samples cover). Euclidean distances in double precision.
 *
 * @param precision in [0, 1]
 * @param recall    in [0, 1]
 * @param k         the neighbour that sets the radii
 */
public record PrecisionRecall(double precision, double recall, int k) {
    public static final int DEFAULT_K = 3;

    public static PrecisionRecall between(INDArray real, INDArray generated) {
        return between(real, generated, DEFAULT_K);
    }

    public static PrecisionRecall between(INDArray real, INDArray generated, int k) {
        Features.checkSameWidth(real, generated);
        if (k < 1 || real.size(0) <= k || generated.size(0) <= k) {
            throw new IllegalArgumentException("precision and recall with k = " + k + " need more than " + k
                    + " vectors per set; got " + real.size(0) + " and " + generated.size(0));
        }
        // 1. radii: the squared distance of each vector to its k-th nearest neighbour in its own set
        double[] realRadii = Features.kthNearest(real, real, k, true)[0];
        double[] generatedRadii = Features.kthNearest(generated, generated, k, true)[0];
        // 2. precision: generated vectors inside some real ball; recall: real vectors inside some generated ball
        return new PrecisionRecall(shareInside(generated, real, realRadii), shareInside(real, generated, generatedRadii), k);
    }

    /** The share of the rows of {@code points} within the squared radius of at least one row of {@code centres}. */
    private static double shareInside(INDArray points, INDArray centres, double[] radii) {
        int n = (int) points.size(0);
        int inside = 0;
        int rows = 512;
        for (int from = 0; from < n; from += rows) {
            int to = Math.min(n, from + rows);
            double[][] d = Features.squaredDistances(points, centres, from, to).toDoubleMatrix();
            for (double[] row : d) {
                for (int j = 0; j < row.length; j++) {
                    if (row[j] <= radii[j]) {
                        inside++;
                        break;
                    }
                }
            }
        }
        return inside / (double) n;
    }
}
