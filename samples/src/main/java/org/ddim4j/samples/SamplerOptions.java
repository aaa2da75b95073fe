package org.ddim4j.samples;

import org.ddim4j.config.DiffusionConfig;
import org.ddim4j.invert.Inverter;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;
import picocli.CommandLine.Option;

/** The sampler: {@code --sampler}, and the exact samplers' {@code --mixing} (EDICT) and {@code --gamma} (BDIA). */
final class SamplerOptions {
    @Option(names = "--sampler", paramLabel = "NAME", completionCandidates = Choice.Samplers.class,
            description = "${COMPLETION-CANDIDATES} (generation's default: the config's diffusion.sampler; inversion's: ddim, "
                    + "or the exact method's own)")
    SamplerKind kind;

    @Option(names = "--mixing", paramLabel = "P", description = "EDICT's mixing weight p in (0, 1] (default 0.93, the paper's)")
    Double mixing;

    @Option(names = "--gamma", paramLabel = "G",
            description = "BDIA's gamma in (0, 1] (default 1, the time-symmetric update; below 1 its inversion amplifies "
                    + "rounding about (1/gamma)^S)")
    Double gamma;

    /** --sampler, or the config's. */
    SamplerKind kind(DiffusionConfig d) {
        return kind == null ? d.sampler() : kind;
    }

    /** The sampler {@code kind}; a bad --mixing or --gamma (or one given to another sampler) is a usage error. */
    Sampler create(DdimModel model, SamplerKind kind, int steps, TimestepSpacing spacing, double eta, DdimCommand command) {
        if (mixing != null && kind != SamplerKind.EDICT) {
            throw command.usageError("--mixing goes with the edict sampler, not " + kind);
        }
        if (gamma != null && kind != SamplerKind.BDIA) {
            throw command.usageError("--gamma goes with the bdia sampler, not " + kind);
        }
        double coupling = kind == SamplerKind.EDICT && mixing != null ? mixing : kind == SamplerKind.BDIA && gamma != null ? gamma : Double.NaN;
        try {
            return model.sampler(kind, steps, spacing, eta, coupling);
        } catch (IllegalArgumentException e) {
            throw command.usageError(e.getMessage());
        }
    }

    /**
     * The sampler an inversion's latents are for: the exact method's own (EDICT, BDIA), else --sampler (default ddim).
     * A --sampler that contradicts an exact method is a usage error.
     */
    Sampler forInversion(Inverter.Method method, DdimModel model, int steps, TimestepSpacing spacing, DdimCommand command) {
        SamplerKind k = kind == null ? SamplerKind.DDIM : kind;
        if (method.exact()) {
            if (kind != null && kind != method.samplerKind()) {
                throw command.usageError("--method " + method.samplerKind() + " inverts the " + method.samplerKind()
                        + " sampler; drop --sampler " + kind);
            }
            k = method.samplerKind();
        } else if (k.invertible()) {
            throw command.usageError("--sampler " + k + " has its own exact inversion: use --method " + k);
        }
        return create(model, k, steps, spacing, 0.0, command);
    }
}
