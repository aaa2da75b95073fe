package org.ddim4j.schedule;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the network is trained to output ({@code diffusion.prediction}). Samplers and inversion methods work with
 * the noise eps; a network of another parameterisation is wrapped by {@link #noisePredictor} so that every one of
 * them handles it unchanged.
 */
public enum Prediction {
    /** The noise eps that made x_t (Ho et al. 2020; the seed's). */
    EPSILON,
    /**
     * The velocity v = sqrt(alpha_bar_t) eps - sqrt(1 - alpha_bar_t) x_0 (Salimans and Ho 2022, section 4): bounded
     * at every noise level, so the loss does not vanish where x_t is nearly all noise or nearly clean.
     */
    V;

    /**
     * The training target for x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise.
     *
     * @param x0    clean images [B, ...]
     * @param noise the noise of x0's shape
     * @param t     one timestep per image
     */
    public INDArray target(NoiseSchedule schedule, INDArray x0, INDArray noise, int[] t) {
        return switch (this) {
            case EPSILON -> noise;
            // v = sqrt(alpha_bar) noise + sqrt(1 - alpha_bar) (-x_0): the forward process's own combination, with
            // noise in the place of x_0 and -x_0 in the place of the noise
            case V -> schedule.addNoise(noise, x0.neg(), t);
        };
    }

    /** The network as a noise predictor: itself for {@link #EPSILON}, converted by {@link VelocityPredictor} for v. */
    public DifferentiableNoisePredictor noisePredictor(DifferentiableNoisePredictor network, NoiseSchedule schedule) {
        return switch (this) {
            case EPSILON -> network;
            case V -> new VelocityPredictor(network, schedule);
        };
    }

    /** The YAML spelling. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
