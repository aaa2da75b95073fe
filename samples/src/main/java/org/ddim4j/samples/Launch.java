package org.ddim4j.samples;

import org.ddim4j.config.Choices;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.WeightsLoader;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.TimestepSpacing;

/** What several commands share: loading the model that --config and --weights describe. */
final class Launch {
    private Launch() {
    }

    static DdimModel model(Args args) {
        DdimConfig config = args.has("config") ? ConfigLoader.loadPathOrPreset(args.required("config")) : null;
        Path weights = args.path("weights");
        return WeightsLoader.load(weights, config);
    }

    /**
     * The deterministic (eta 0) sampler of --steps and --skip, defaulting to the config's diffusion section:
     * the sampler that inversion, interpolation and editing map latents through.
     */
    static DdimSampler sampler(Args args, DdimModel model) {
        var d = model.config().diffusion();
        int steps = args.integer("steps", d.numTSteps());
        if (steps <= 0 || steps > d.numT()) {
            throw new UsageException(args.command() + ": --steps must be in [1, " + d.numT() + "], got " + steps);
        }
        TimestepSpacing spacing = parse(args.command(), () -> TimestepSpacing.fromName(args.string("skip", Choices.name(d.skipType()))));
        return model.sampler(steps, spacing, 0.0);
    }

    /** Runs a parser of a flag's value, turning its IllegalArgumentException into a usage error. */
    static <T> T parse(String command, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
    }
}
