package org.ddim4j.config;

/** The training loss on the predicted noise ({@code training.criterion}). */
public enum Criterion {
    /** Mean absolute error (the seed's). */
    L1,
    /** Mean squared error (DDPM's). */
    L2;

    /** The YAML and command-line spelling. */
    @Override
    public String toString() {
        return Choices.name(this);
    }
}
