package org.ddim4j.samples;

import org.ddim4j.config.DiffusionConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.TimestepSpacing;
import picocli.CommandLine.Option;

/** The sampler's time grid: {@code --steps} and {@code --skip}, each defaulting to the config's. */
final class StepOptions {
    @Option(names = "--steps", paramLabel = "S", description = "sampling steps (default: the config's diffusion.num_t_steps)")
    Integer steps;

    @Option(names = "--skip", paramLabel = "SPACING", completionCandidates = Choice.Spacings.class,
            description = "timestep spacing: ${COMPLETION-CANDIDATES} (default: the config's diffusion.skip_type)")
    TimestepSpacing skip;

    /** --steps, checked against T; a usage error of {@code command} when outside [1, T]. */
    int steps(DiffusionConfig d, DdimCommand command) {
        int s = steps == null ? d.numTSteps() : steps;
        if (s <= 0 || s > d.numT()) {
            throw command.usageError("--steps must be in [1, " + d.numT() + "], got " + s);
        }
        return s;
    }

    TimestepSpacing spacing(DiffusionConfig d) {
        return skip == null ? d.skipType() : skip;
    }

    /** The deterministic (eta 0) sampler that inversion, interpolation and editing map latents through. */
    DdimSampler deterministic(DdimModel model, DdimCommand command) {
        var d = model.config().diffusion();
        return model.sampler(steps(d, command), spacing(d), 0.0);
    }
}
