package org.ddim4j.config;

/**
 * A whole configuration, as one of the seed's YAML files holds it. Immutable; {@code withX} copies serve
 * sweeps and command-line overrides.
 */
public record DdimConfig(DataConfig data, NetworkConfig network, DiffusionConfig diffusion,
                         TrainingConfig training, OptimizerConfig optimizer, EvaluationConfig evaluation) {
    public DdimConfig {
        Check.notNull("data", data);
        Check.notNull("network", network);
        Check.notNull("diffusion", diffusion);
        Check.notNull("training", training);
        Check.notNull("optimizer", optimizer);
        Check.notNull("evaluation", evaluation);
        int levels = network.numLevels();
        int factor = 1 << (levels - 1);
        if (data.height() % factor != 0 || data.width() % factor != 0) {
            throw new InvalidValueException("data.shape", data.shape(),
                    "height and width must be divisible by 2^(levels-1) = " + factor
                            + " for network.channel_mults " + network.channelMults());
        }
    }

    public DdimConfig withData(DataConfig d) {
        return new DdimConfig(d, network, diffusion, training, optimizer, evaluation);
    }

    public DdimConfig withNetwork(NetworkConfig n) {
        return new DdimConfig(data, n, diffusion, training, optimizer, evaluation);
    }

    public DdimConfig withDiffusion(DiffusionConfig d) {
        return new DdimConfig(data, network, d, training, optimizer, evaluation);
    }

    public DdimConfig withTraining(TrainingConfig t) {
        return new DdimConfig(data, network, diffusion, t, optimizer, evaluation);
    }
}
