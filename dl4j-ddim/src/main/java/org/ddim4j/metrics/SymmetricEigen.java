package org.ddim4j.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The eigendecomposition A = V diag(w) V^T of a real symmetric matrix, by LAPACK's {@code dsyev} as ND4J binds it
 * (OpenBLAS's LAPACK on the CPU backend): no complex parts, eigenvalues in ascending order, orthonormal
 * eigenvectors as V's columns. Chosen over EJML and Commons Math because ND4J is already on the class path and
 * its native LAPACK decomposes pytorch-fid's 2048 x 2048 covariances in seconds.
 *
 * @param values  w [D], ascending
 * @param vectors V [D, D] (columns), or null when only the values were asked for
 */
record SymmetricEigen(INDArray values, INDArray vectors) {
    static SymmetricEigen of(INDArray symmetric, boolean withVectors) {
        if (symmetric.rank() != 2 || symmetric.size(0) != symmetric.size(1)) {
            throw new IllegalArgumentException("expected a square matrix, got " + java.util.Arrays.toString(symmetric.shape()));
        }
        INDArray a = symmetric.castTo(DataType.DOUBLE).dup('f');
        INDArray w = Nd4j.create(DataType.DOUBLE, a.size(0));
        int info = Nd4j.getBlasWrapper().lapack().syev(withVectors ? 'V' : 'N', 'U', a, w);
        if (info != 0) {
            throw new ArithmeticException("LAPACK dsyev did not converge (info " + info + ") on a "
                    + a.size(0) + " x " + a.size(0) + " matrix");
        }
        return new SymmetricEigen(w, withVectors ? a : null);
    }

    /** V diag(f(w)) V^T with f(w) = sqrt(max(w, 0)): the square root of a positive semi-definite matrix. */
    INDArray sqrtPsd() {
        INDArray roots = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(values.dup()));
        roots = org.nd4j.linalg.ops.transforms.Transforms.sqrt(roots, false);
        return vectors.mulRowVector(roots.reshape(1, roots.length())).mmul(vectors.transpose());
    }
}
