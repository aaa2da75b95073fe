package org.ddim4j.train;

import org.ddim4j.config.LossWeighting;
import org.ddim4j.config.TrainingConfig;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.Prediction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-image loss weights of min-SNR-gamma weighting (Hang et al. 2023). With SNR_t = alpha_bar_t / (1 - alpha_bar_t)
 * (Kingma et al. 2021), the loss on x_0 weighted by min(SNR_t, gamma) becomes, in each parameterisation's own
 * loss:
 * <ol>
 *   <li>eps: ||eps - eps_hat||^2 = SNR_t ||x_0 - x_0_hat||^2, so the weight is min(SNR_t, gamma) / SNR_t (their Eq. 9);</li>
 *   <li>v: ||v - v_hat||^2 = (SNR_t + 1) ||x_0 - x_0_hat||^2, so the weight is min(SNR_t, gamma) / (SNR_t + 1).</li>
 * </ol>
 * Applied to the L1 criterion as well (the weight multiplies each image's loss, whatever its form).
 */
public final class LossWeights {
    private LossWeights() {
    }

    /** The weights of a batch with timesteps t, float32 [B]; null under uniform weighting (the seed's graph). */
    public static INDArray of(TrainingConfig training, Prediction prediction, NoiseSchedule schedule, int[] t) {
        if (training.lossWeighting() == LossWeighting.UNIFORM) {
            return null;
        }
        float[] w = new float[t.length];
        for (int k = 0; k < t.length; k++) {
            w[k] = (float) minSnr(schedule.alphaBar(t[k]), training.minSnrGamma(), prediction);
        }
        return Nd4j.createFromArray(w);
    }

    /** The min-SNR-gamma weight of one timestep with alpha_bar {@code alphaBar}. */
    static double minSnr(double alphaBar, double gamma, Prediction prediction) {
        double snr = alphaBar / (1 - alphaBar);
        return switch (prediction) {
            case EPSILON -> Math.min(snr, gamma) / snr;
            case V -> Math.min(snr, gamma) / (snr + 1);
        };
    }
}
