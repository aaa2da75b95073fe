package org.ddim4j.spark.cli;

import org.ddim4j.config.DiffusionConfig;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;
import picocli.CommandLine.Option;

/** The sampler's time grid and kind, each defaulting to the model's config: {@code --steps}, {@code --skip}, {@code --sampler}. */
final class SparkStepOptions {
    @Option(names = "--steps", paramLabel = "S", description = "sampling steps (default: the config's diffusion.num_t_steps)")
    Integer steps;
    @Option(names = "--skip", paramLabel = "SPACING", description = "timestep spacing: uniform, quadratic, linspace, trailing, karras (default: the config's)")
    TimestepSpacing skip;
    @Option(names = "--sampler", paramLabel = "KIND", description = "a deterministic sampler: ddim, dpm++2m, heun, ... (default: the config's)")
    SamplerKind sampler;

    /** --steps (or {@code otherwise}, else the config's), checked against T. */
    int steps(DiffusionConfig d, Integer otherwise) {
        int s = steps != null ? steps : otherwise != null ? otherwise : d.numTSteps();
        if (s < 1 || s > d.numT()) {
            throw new IllegalArgumentException("--steps must be in [1, " + d.numT() + "], got " + s);
        }
        return s;
    }

    TimestepSpacing spacing(DiffusionConfig d) {
        return skip == null ? d.skipType() : skip;
    }

    SamplerKind kind(DiffusionConfig d) {
        return sampler == null ? d.sampler() : sampler;
    }
}
