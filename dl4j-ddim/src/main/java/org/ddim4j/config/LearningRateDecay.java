package org.ddim4j.config;

/** How the learning rate falls after its warm-up ({@code optimizer.decay}). */
public enum LearningRateDecay {
    /** It stays at optimizer.learning_rate (the seed's). */
    CONSTANT,
    /** Half a cosine from learning_rate to 0 at training.num_i (Loshchilov and Hutter 2017, without restarts). */
    COSINE,
    /** A straight line from learning_rate to 0 at training.num_i. */
    LINEAR;

    /** The YAML spelling. */
    @Override
    public String toString() {
        return Choices.name(this);
    }
}
