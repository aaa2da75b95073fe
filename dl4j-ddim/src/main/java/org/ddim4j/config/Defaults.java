package org.ddim4j.config;

import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.BetaSchedule;
import org.ddim4j.schedule.TimestepSpacing;

import java.util.List;

/**
 * The one source of default values: the seed's 64x64 configuration ({@code celeba.yml}) for everything a
 * file leaves out, and the additions ddim4j makes to the seed's keys.
 */
public final class Defaults {
    private Defaults() {
    }

    public static DataConfig data() {
        return new DataConfig(Dataset.EMOJI, "~/.ddim4j/datasets", List.of(3, 64, 64), null, 0, 0, 0, true, true, true,
                0.5, 0.0, 4, true);
    }

    public static NetworkConfig network() {
        return new NetworkConfig(128, 2, List.of(1, 2, 2, 2, 4), List.of(16), 128, 0.1, 32, 0.9995, true);
    }

    public static DiffusionConfig diffusion() {
        return new DiffusionConfig(BetaSchedule.LINEAR, 0.0001, 0.02, 1000, 50, 0.0, TimestepSpacing.UNIFORM, false, SamplerKind.DDIM);
    }

    public static TrainingConfig training() {
        return new TrainingConfig(64, 64, Criterion.L1, 72000, 300, 6000, false, 0L);
    }

    public static OptimizerConfig optimizer() {
        return new OptimizerConfig(OptimizerName.ADAM, 0.0002, 0.0, 0.9, 0.999, false, 1e-8, 1.0);
    }

    public static EvaluationConfig evaluation() {
        return new EvaluationConfig(64, 64, 0, 256, 0);
    }

    public static DdimConfig config() {
        return new DdimConfig(data(), network(), diffusion(), training(), optimizer(), evaluation());
    }
}
