package org.ddim4j.sampler;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The latent of an {@link InvertibleSampler}: two arrays [B, C, H, W] (double), as the sampler's two coupled
 * sequences start. {@code x} is the latent proper, x_T; {@code y} its partner: EDICT's second sequence at T,
 * BDIA's state at the second visited timestep.
 */
public record LatentPair(INDArray x, INDArray y) {
    public LatentPair {
        if (x == null || y == null || x.rank() != 4 || !Arrays.equals(x.shape(), y.shape())) {
            throw new IllegalArgumentException("a latent pair is two arrays [B, C, H, W] of one shape, got "
                    + (x == null ? "null" : Arrays.toString(x.shape())) + " and " + (y == null ? "null" : Arrays.toString(y.shape())));
        }
    }
}
