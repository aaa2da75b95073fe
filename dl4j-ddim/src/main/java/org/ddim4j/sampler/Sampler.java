package org.ddim4j.sampler;

import org.ddim4j.schedule.NoisePredictor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/** A way from noise x_T to clean images with an epsilon-network; {@link SamplerKind} names the ones ddim4j has. */
public interface Sampler {
    /**
     * The clean images from x_T [B, C, H, W] (float32).
     *
     * @param rng the noise of a stochastic sampler (DDIM with eta > 0), named by its seed: the draws are
     *            {@code Seeds}', a function of that seed alone; null for deterministic ones
     */
    INDArray sample(NoisePredictor model, INDArray xT, Random rng);

    /** Network evaluations per image. */
    int evaluations();
}
