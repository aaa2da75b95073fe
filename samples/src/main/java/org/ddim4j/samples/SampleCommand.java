package org.ddim4j.samples;

import org.ddim4j.config.Choices;
import org.ddim4j.random.Seeds;
import org.ddim4j.image.Images;
import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.image.TrajectoryGif;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.SampleResult;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.unet.UNetArchitecture;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** {@code ./ddim sample}: DDIM samples from seeded or given noise, as raw npz or a PNG grid. */
final class SampleCommand implements Command {
    @Override
    public String name() {
        return "sample";
    }

    @Override
    public String summary() {
        return "draw DDIM samples (npz of raw x, or a PNG grid)";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim sample --weights W [--config C.yml] [--steps S] [--skip uniform|quadratic|linspace|trailing]
                                     [--eta E] [--seed N] [--count N | --noise Z.npz] --output OUT.npz|OUT.png [--gif FILE]
                  --weights  .safetensors (needs --config), a ddim4j model file, a checkpoint, or a training run folder
                  --steps    sampling steps (default: the config's diffusion.num_t_steps)
                  --skip     timestep spacing (default: the config's diffusion.skip_type, uniform)
                  --eta      0 is deterministic DDIM; 1 follows the DDPM posterior (default: the config's)
                  --seed     seed of the starting noise and of the eta > 0 noise (default 0)
                  --count    number of samples drawn from seeded noise (default 16)
                  --noise    npz holding z float32 [B,C,H,W] to start from instead
                  --output   .npz gets x, the raw final samples (not clamped); .png gets a grid of clamp((x+1)/2, 0, 1)
                  --gif      also write the denoising trajectory (x_t and predicted x0 side by side) as a GIF""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("sample", argv, Set.of(),
                Set.of("config", "weights", "steps", "skip", "eta", "seed", "count", "noise", "output", "gif"), Set.of());
        args.exclusive("count", "noise");
        Path output = args.path("output");
        String name = output.getFileName().toString().toLowerCase();
        if (!name.endsWith(".npz") && !name.endsWith(".png")) {
            throw new UsageException("sample: --output must end in .npz or .png, got " + output);
        }
        DdimModel model = Launch.model(args);
        var diffusion = model.config().diffusion();
        int steps = args.integer("steps", diffusion.numTSteps());
        double eta = args.number("eta", diffusion.eta());
        TimestepSpacing spacing;
        try {
            spacing = TimestepSpacing.fromName(args.string("skip", Choices.name(diffusion.skipType())));
        } catch (IllegalArgumentException e) {
            throw new UsageException("sample: --skip: " + e.getMessage());
        }
        if (steps <= 0 || steps > diffusion.numT()) {
            throw new UsageException("sample: --steps must be in [1, " + diffusion.numT() + "], got " + steps);
        }
        if (!(eta >= 0)) {
            throw new UsageException("sample: --eta must be >= 0, got " + eta);
        }
        long seed = args.longValue("seed", 0L);
        UNetArchitecture arch = model.network().architecture();
        long[] shape = {args.integer("count", 16), arch.inChannels(), arch.size(), arch.size()};
        INDArray z;
        if (args.has("noise")) {
            Path noiseFile = args.path("noise");
            z = Npz.readArray(noiseFile, "z");
            if (z.rank() != 4 || z.size(1) != shape[1] || z.size(2) != shape[2] || z.size(3) != shape[3]) {
                throw new IllegalArgumentException(noiseFile + ": z has shape " + Arrays.toString(z.shape())
                        + ", expected [B, " + shape[1] + ", " + shape[2] + ", " + shape[3] + "]");
            }
        } else {
            if (shape[0] <= 0) {
                throw new UsageException("sample: --count must be positive, got " + shape[0]);
            }
            z = Seeds.gaussian(seed, shape);
        }
        DdimSampler sampler = model.sampler(steps, spacing, eta);
        Random noiseRng = Nd4j.getRandomFactory().getNewRandomInstance(seed + 1);
        long start = System.nanoTime();
        SampleResult result = sampler.run(model.network(), z.castTo(DataType.FLOAT), noiseRng, args.has("gif"));
        INDArray x = result.sample();
        if (args.has("gif")) {
            TrajectoryGif.write(result.xs(), result.x0Predictions(), result.sample(), Integer.MAX_VALUE, args.path("gif"));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (name.endsWith(".npz")) {
            Npz.write(output, Map.of("x", x));
        } else {
            Images.writePng(Images.grid(x), output);
        }
        out.printf("wrote %d samples (%d steps, %s, eta %s) to %s in %.1f s%n", x.size(0), sampler.numSteps(),
                spacing.name().toLowerCase(), eta, output, seconds);
    }
}
