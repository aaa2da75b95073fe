package org.ddim4j.sampler;

import org.ddim4j.schedule.NoisePredictor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/**
 * A deterministic sampler with an exact inverse: {@link #decode} of {@link #encode}'s latent gives the image back
 * to rounding, whatever the image (Wallace et al. 2023; Zhang et al. 2023). Its latents are {@link LatentPair}s;
 * generation from noise starts from {@link #fromNoise}.
 */
public interface InvertibleSampler extends Sampler {
    /** Which of the exact samplers this is. */
    SamplerKind kind();

    /** The latent pair whose {@link #decode} is {@code images} [B, C, H, W] (model range). */
    LatentPair encode(NoisePredictor model, INDArray images);

    /** The images (float32) the pair maps to. */
    INDArray decode(NoisePredictor model, LatentPair latent);

    /** The pair that generation from the noise x_T starts from. */
    LatentPair fromNoise(NoisePredictor model, INDArray xT);

    /** Generation: {@link #decode} of {@link #fromNoise}; deterministic, {@code rng} is not used. */
    @Override
    default INDArray sample(NoisePredictor model, INDArray xT, Random rng) {
        return decode(model, fromNoise(model, xT));
    }
}
