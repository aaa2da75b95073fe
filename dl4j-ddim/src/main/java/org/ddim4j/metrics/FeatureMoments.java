package org.ddim4j.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The mean and covariance of a set of feature vectors, in double precision: what FID compares.
 *
 * @param mean       [D]
 * @param covariance [D, D], unbiased (divided by n - 1, as numpy's {@code cov} and pytorch-fid)
 * @param count      n, the number of vectors
 */
public record FeatureMoments(INDArray mean, INDArray covariance, long count) {
    public FeatureMoments {
        if (mean.rank() != 1 || covariance.rank() != 2 || covariance.size(0) != mean.size(0)
                || covariance.size(1) != mean.size(0)) {
            throw new IllegalArgumentException("feature moments need a mean [D] and a covariance [D, D]; got "
                    + java.util.Arrays.toString(mean.shape()) + " and " + java.util.Arrays.toString(covariance.shape()));
        }
        if (count < 2) {
            throw new IllegalArgumentException("feature moments need at least 2 vectors, got " + count);
        }
    }

    /** The moments of features [N, D] (any floating type; computed in double). */
    public static FeatureMoments of(INDArray features) {
        Features.checkMatrix("features", features);
        long n = features.size(0);
        if (n < 2) {
            throw new IllegalArgumentException("feature moments need at least 2 vectors, got " + n);
        }
        INDArray x = features.castTo(DataType.DOUBLE);
        INDArray mean = x.mean(0);
        INDArray centred = x.subRowVector(mean);
        INDArray cov = centred.transpose().mmul(centred).divi(n - 1);
        return new FeatureMoments(mean.reshape(mean.length()), cov, n);
    }

    public long dimension() {
        return mean.length();
    }
}
