package org.ddim4j.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (FID, Heusel et al. 2017, Eq. 6):
 * <pre>
 *   d^2 = |mu_1 - mu_2|^2 + Tr(S_1) + Tr(S_2) - 2 Tr( (S_1^(1/2) S_2 S_1^(1/2))^(1/2) )
 * </pre>
 * The trace term uses Tr((S_1 S_2)^(1/2)) = Tr((S_1^(1/2) S_2 S_1^(1/2))^(1/2)): the matrix inside is symmetric
 * positive semi-definite, so both square roots come from symmetric eigendecompositions (no complex parts, no
 * iterative sqrtm, unlike scipy's {@code sqrtm} of the non-symmetric S_1 S_2 that pytorch-fid uses; the two agree
 * to rounding, tested on a fixture). All in double precision.
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    /** The fewest vectors per set for a covariance of rank D (non-singular): D + 1. */
    public static long minimumCount(long dimension) {
        return dimension + 1;
    }

    /** FID between the moments of two feature sets; refuses sets too small for a non-singular covariance. */
    public static double between(FeatureMoments a, FeatureMoments b) {
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException("the two feature sets have different widths: " + a.dimension() + " and "
                    + b.dimension() + " (features of different networks?)");
        }
        long min = minimumCount(a.dimension());
        if (a.count() < min || b.count() < min) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "FID needs at least %d feature vectors per set (feature width %d + 1; fewer make the covariance"
                            + " singular); got %d and %d", min, a.dimension(), a.count(), b.count()));
        }
        // 1. the squared distance of the means
        INDArray diff = a.mean().sub(b.mean());
        double meanTerm = diff.mul(diff).sumNumber().doubleValue();
        // 2. S_1^(1/2) from S_1 = V diag(w) V^T
        INDArray sqrtA = SymmetricEigen.of(a.covariance(), true).sqrtPsd();
        // 3. M = S_1^(1/2) S_2 S_1^(1/2), symmetrised against rounding
        INDArray m = sqrtA.mmul(b.covariance()).mmul(sqrtA);
        m = m.add(m.transpose()).muli(0.5);
        // 4. Tr(M^(1/2)) = sum_i sqrt(max(lambda_i(M), 0))
        INDArray lambda = SymmetricEigen.of(m, false).values();
        double traceSqrt = Transforms.sqrt(Transforms.max(lambda, 0.0, true), false).sumNumber().doubleValue();
        // 5. Eq. 6
        double traceA = trace(a.covariance());
        double traceB = trace(b.covariance());
        return meanTerm + traceA + traceB - 2 * traceSqrt;
    }

    /** FID between two feature sets [N, D]. */
    public static double between(INDArray a, INDArray b) {
        Features.checkSameWidth(a, b);
        return between(FeatureMoments.of(a), FeatureMoments.of(b));
    }

    private static double trace(INDArray square) {
        double t = 0;
        for (long i = 0; i < square.size(0); i++) {
            t += square.getDouble(i, i);
        }
        return t;
    }
}
