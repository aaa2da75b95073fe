package org.ddim4j.config;

/** The optimiser of training ({@code optimizer.name}). */
public enum OptimizerName {
    /** Adam as PyTorch's {@code torch.optim.Adam} (the only optimiser the seed uses). */
    ADAM,
    /** Plain SGD as PyTorch's {@code torch.optim.SGD} without momentum (an addition: for the parameter-averaging check). */
    SGD;

    /** The YAML and command-line spelling. */
    @Override
    public String toString() {
        return Choices.name(this);
    }
}
