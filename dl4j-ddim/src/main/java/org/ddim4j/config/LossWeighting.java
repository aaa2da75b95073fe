package org.ddim4j.config;

/** How the training loss weighs the timesteps of a batch ({@code training.loss_weighting}). */
public enum LossWeighting {
    /** Every image of the batch counts the same (the seed's). */
    UNIFORM,
    /**
     * Min-SNR-gamma (Hang et al. 2023, Eq. 9 and section 3.4): with SNR_t = alpha_bar_t / (1 - alpha_bar_t), image k
     * is weighted min(SNR_t, gamma) / SNR_t for an eps-network and min(SNR_t, gamma) / (SNR_t + 1) for a v-network,
     * so that nearly clean timesteps, whose targets are easy, do not dominate the gradient.
     */
    MIN_SNR;

    /** The YAML spelling. */
    @Override
    public String toString() {
        return Choices.name(this);
    }
}
