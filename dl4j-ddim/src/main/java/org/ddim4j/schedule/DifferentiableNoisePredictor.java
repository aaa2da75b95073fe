package org.ddim4j.schedule;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A noise predictor that also gives vector-Jacobian products with respect to its input. */
public interface DifferentiableNoisePredictor extends NoisePredictor {
    /**
     * The gradient with respect to x of sum(eps(x, t) * cotangent): J_x^T cotangent.
     *
     * @param x         input, [B, C, H, W]
     * @param t         timesteps, [B]
     * @param cotangent same shape as eps
     * @return same shape as x
     */
    INDArray inputGradient(INDArray x, INDArray t, INDArray cotangent);

    /**
     * eps(x, t) with what its vector-Jacobian product needs, for a backward pass that comes later (reverse-mode
     * through several evaluations). By default the pullback recomputes the forward pass; the U-Net keeps it.
     */
    default Linearization linearize(INDArray x, INDArray t) {
        return Linearization.recomputing(this, x, t);
    }
}
