package org.ddim4j.schedule;

import org.nd4j.linalg.api.ndarray.INDArray;

/** An epsilon-network: predicts the noise in x_t. The sampler calls it and never owns it. */
@FunctionalInterface
public interface NoisePredictor {
    /**
     * @param x noisy images x_t, float32 [B, C, H, W]
     * @param t timesteps, float32 [B]
     * @return predicted noise, float32 [B, C, H, W]
     */
    INDArray predictNoise(INDArray x, INDArray t);
}
