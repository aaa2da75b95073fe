package org.ddim4j.samples;

import org.ddim4j.image.Images;
import org.ddim4j.image.TrajectoryGif;
import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.random.Seeds;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.SampleResult;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.unet.UNetArchitecture;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** {@code ./ddim sample}: DDIM samples from seeded or given noise, as raw npz or a PNG grid. */
@Command(name = "sample", description = "draw DDIM samples (npz of raw x, or a PNG grid)")
final class SampleCommand extends DdimCommand {
    @Mixin
    ModelOptions model;
    @Mixin
    StepOptions steps;

    @Mixin
    SamplerOptions samplers;

    @Mixin
    ClassOptions classes;

    @Option(names = "--eta", paramLabel = "E",
            description = "0 is deterministic DDIM; 1 follows the DDPM posterior (default: the config's diffusion.eta)")
    Double eta;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "seed of the starting noise and of the eta > 0 noise (default ${DEFAULT-VALUE})")
    long seed;

    @ArgGroup(exclusive = true)
    Start start = new Start();

    /** Where the samples start: seeded noise (--count) or a file (--noise). */
    static final class Start {
        @Option(names = "--count", paramLabel = "N", description = "number of samples drawn from seeded noise (default 16)")
        Integer count;

        @Option(names = "--noise", paramLabel = "Z.npz", description = "npz holding z float32 [B,C,H,W] to start from instead")
        Path noise;
    }

    @Option(names = "--output", required = true, paramLabel = "OUT.npz|OUT.png",
            description = ".npz gets x, the raw final samples (not clamped); .png gets a grid of clamp((x+1)/2, 0, 1)")
    Path output;

    @Option(names = "--gif", paramLabel = "FILE",
            description = "also write the denoising trajectory (x_t and predicted x0 side by side) as a GIF")
    Path gif;

    @Override
    void run(PrintStream out) throws Exception {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".npz") && !name.endsWith(".png")) {
            throw usageError("--output must end in .npz or .png, got " + output);
        }
        DdimModel m = classes.apply(model.load(), this);
        var diffusion = m.config().diffusion();
        int s = steps.steps(diffusion, this);
        TimestepSpacing spacing = steps.spacing(diffusion);
        SamplerKind kind = samplers.kind(diffusion);
        double e = eta == null ? (kind == SamplerKind.DDIM ? diffusion.eta() : 0.0) : eta;
        if (!(e >= 0)) {
            throw usageError("--eta must be >= 0, got " + e);
        }
        if (kind != SamplerKind.DDIM && (e != 0 || gif != null)) {
            throw usageError("--eta and --gif go with --sampler ddim; " + kind + " is deterministic and keeps no trajectory");
        }
        UNetArchitecture arch = m.network().architecture();
        long[] shape = {start.count == null ? 16 : start.count, arch.inChannels(), arch.size(), arch.size()};
        INDArray z;
        if (start.noise != null) {
            z = Npz.readArray(start.noise, "z");
            if (z.rank() != 4 || z.size(1) != shape[1] || z.size(2) != shape[2] || z.size(3) != shape[3]) {
                throw new IllegalArgumentException(start.noise + ": z has shape " + Arrays.toString(z.shape())
                        + ", expected [B, " + shape[1] + ", " + shape[2] + ", " + shape[3] + "]");
            }
        } else {
            if (shape[0] <= 0) {
                throw usageError("--count must be positive, got " + shape[0]);
            }
            z = Seeds.gaussian(seed, shape);
        }
        Sampler sampler = samplers.create(m, kind, s, spacing, e, this);
        Random noiseRng = Nd4j.getRandomFactory().getNewRandomInstance(seed + 1);
        long t0 = System.nanoTime();
        var predictor = classes.generating(m, (int) z.size(0), Seeds.mix(seed, -1_000_000), this);
        INDArray x;
        if (gif != null) {
            SampleResult result = ((DdimSampler) sampler).run(predictor, z.castTo(DataType.FLOAT), noiseRng, true);
            TrajectoryGif.write(result.xs(), result.x0Predictions(), result.sample(), Integer.MAX_VALUE, gif);
            x = result.sample();
        } else {
            x = sampler.sample(predictor, z.castTo(DataType.FLOAT), noiseRng);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (name.endsWith(".npz")) {
            Npz.write(output, Map.of("x", x));
        } else {
            Images.writePng(Images.grid(x), output);
        }
        String conditioning = !m.conditional() ? "" : String.format(Locale.ROOT, ", %s, guidance %s",
                classes.describe(),
                m.config().diffusion().guidance());
        out.printf("wrote %d samples (%d steps, %s, eta %s%s%s) to %s in %.1f s%n", x.size(0),
                kind == SamplerKind.DDIM ? sampler.evaluations() : s,
                spacing.name().toLowerCase(Locale.ROOT), e, kind == SamplerKind.DDIM ? ""
                        : ", " + kind + ", " + sampler.evaluations() + " network evaluations", conditioning, output, seconds);
    }
}
