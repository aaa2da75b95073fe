package org.ddim4j.schedule;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * eps(x, t) at one point with its vector-Jacobian product there, to be taken once: what a forward pass leaves for
 * the backward pass of reverse-mode differentiation.
 */
public interface Linearization {
    /** eps(x, t). */
    INDArray eps();

    /** J_x^T cotangent at this point (once: it frees what it held). */
    INDArray pullback(INDArray cotangent);

    /** Frees what it holds without a pullback. */
    void release();

    /** A linearization that keeps x and t and recomputes the network's forward pass in its pullback. */
    static Linearization recomputing(DifferentiableNoisePredictor model, INDArray x, INDArray t) {
        INDArray xs = x.dup();
        INDArray ts = t.dup();
        return of(model.predictNoise(x, t), cotangent -> model.inputGradient(xs, ts, cotangent), () -> { });
    }

    /** The linearization with this eps, pullback and release. */
    static Linearization of(INDArray eps, java.util.function.UnaryOperator<INDArray> pullback, Runnable release) {
        return new Linearization() {
            @Override
            public INDArray eps() {
                return eps;
            }

            @Override
            public INDArray pullback(INDArray cotangent) {
                return pullback.apply(cotangent);
            }

            @Override
            public void release() {
                release.run();
            }
        };
    }
}
