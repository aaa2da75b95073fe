package org.ddim4j.config;

/** The optimiser of training ({@code optimizer.name}). */
public enum OptimizerName {
    /** Adam as PyTorch's {@code torch.optim.Adam} (the only optimiser the seed uses). */
    ADAM;

    /** The YAML and command-line spelling. */
    @Override
    public String toString() {
        return Choices.name(this);
    }
}
