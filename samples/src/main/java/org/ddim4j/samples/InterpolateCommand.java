package org.ddim4j.samples;

import org.ddim4j.invert.InversionSettings;
import com.google.gson.Gson;
import org.ddim4j.image.Gif;
import org.ddim4j.image.Images;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.LatentInterpolation;
import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.invert.InversionResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./ddim interpolate}: a path between two latents (or two inverted images), decoded frame by frame. */
@Command(name = "interpolate",
        description = "interpolate between two latents or images (slerp, with lerp for comparison): frames, strip, GIF",
        footer = {"Writes DIR/frame-NN.png (spherical path), DIR/strip.png (top row slerp, bottom row lerp),",
                "DIR/interpolation.gif, DIR/latents.npz (slerp and lerp paths), and prints the latent norm of each frame."})
final class InterpolateCommand extends DdimCommand {
    @Mixin
    ModelOptions model;
    @Mixin
    StepOptions steps;
    @Mixin
    InversionOptions inversion;
    @Mixin
    SamplerOptions samplers;

    @Option(names = "--from", required = true, paramLabel = "A",
            description = "a latent (.npz holding z [1,C,H,W], as ./ddim invert writes; an edict or bdia pair is interpolated "
                    + "as a pair) or an image, inverted first")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "B", description = "the other end, as --from")
    Path to;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the output folder")
    Path outDir;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "9", description = "frames including both ends (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "ode", completionCandidates = Choice.Methods.class,
            description = "how images are inverted: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; see ./ddim invert "
                    + "--help); with a pair at either end, that pair's method")
    Inverter.Method method;


    @Override
    void run(PrintStream out) throws Exception {
        if (frames < 2) {
            throw usageError("--frames must be at least 2, got " + frames);
        }
        DdimModel model = this.model.load();
        DdimSampler sampler = steps.deterministic(model, this);
        var d = model.config().diffusion();
        int size = model.network().architecture().size();
        long[] chw = {model.network().architecture().inChannels(), size, size};
        LatentFile fileA = isLatent(from) ? LatentFile.read(from, chw) : null;
        LatentFile fileB = isLatent(to) ? LatentFile.read(to, chw) : null;
        Inverter.Method how = fileA != null && fileA.exact() != null ? LatentFile.methodOf(fileA.exact())
                : fileB != null && fileB.exact() != null ? LatentFile.methodOf(fileB.exact()) : method;
        Sampler decoder = samplers.forInversion(how, model, steps.steps(d, this), steps.spacing(d), this);
        Inverter inverter = new Inverter(model, sampler, inversion.encoder(how, this))
                .withOdeFixedPoint(inversion.fixedPoint(this)).withSampler(decoder);
        var settings = inversion.settings(this);
        LatentFile a = fileA != null ? first(fileA, from) : invert(from, inverter, how, settings, size);
        LatentFile b = fileB != null ? first(fileB, to) : invert(to, inverter, how, settings, size);
        if (a.exact() != b.exact()) {
            throw new IllegalArgumentException("--from and --to must be latents of one kind, got " + describe(a) + " and " + describe(b));
        }
        INDArray slerp = LatentInterpolation.path(a.z().castTo(DataType.FLOAT), b.z().castTo(DataType.FLOAT), frames, true);
        INDArray lerp = LatentInterpolation.path(a.z().castTo(DataType.FLOAT), b.z().castTo(DataType.FLOAT), frames, false);
        INDArray decoded;
        if (a.partner() == null) {
            decoded = decoder.sample(model.noisePredictor(), Nd4j.concat(0, slerp, lerp), null);
        } else {
            // a pair: both of its arrays follow the same kind of path, at the same fractions, in double
            INDArray xs = LatentInterpolation.path(a.z().castTo(DataType.DOUBLE), b.z().castTo(DataType.DOUBLE), frames, true);
            INDArray xl = LatentInterpolation.path(a.z().castTo(DataType.DOUBLE), b.z().castTo(DataType.DOUBLE), frames, false);
            INDArray ys = LatentInterpolation.path(a.partner().castTo(DataType.DOUBLE), b.partner().castTo(DataType.DOUBLE), frames, true);
            INDArray yl = LatentInterpolation.path(a.partner().castTo(DataType.DOUBLE), b.partner().castTo(DataType.DOUBLE), frames, false);
            decoded = new LatentFile(Nd4j.concat(0, xs, xl), Nd4j.concat(0, ys, yl), a.exact()).decode(model.noisePredictor(), decoder);
        }
        Files.createDirectories(outDir);
        List<BufferedImage> gif = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            BufferedImage img = Images.toImage(decoded.slice(i));
            Images.writePng(img, outDir.resolve(String.format(Locale.ROOT, "frame-%02d.png", i)));
            gif.add(img);
        }
        for (int i = frames - 2; i > 0; i--) {
            gif.add(gif.get(i));                                        // there and back again
        }
        Images.writePng(Images.grid(decoded, frames), outDir.resolve("strip.png"));
        Gif.write(gif, 120, outDir.resolve("interpolation.gif"));
        Npz.write(outDir.resolve("latents.npz"), Map.of("slerp", slerp, "lerp", lerp));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("frames", frames);
        summary.put("slerp_norms", norms(slerp));
        summary.put("lerp_norms", norms(lerp));
        out.println(new Gson().toJson(summary));
    }

    private static boolean isLatent(Path p) {
        return p.getFileName().toString().endsWith(".npz");
    }

    /** The file's one latent (a file of several is refused). */
    private static LatentFile first(LatentFile f, Path p) {
        if (f.z().size(0) != 1) {
            throw new IllegalArgumentException(p + ": an end of the path is one latent, the file holds " + f.z().size(0));
        }
        return f;
    }

    private static LatentFile invert(Path p, Inverter inverter, Inverter.Method method, InversionSettings settings, int size)
            throws Exception {
        INDArray image = ImageFiles.load(List.of(p), size);
        InversionResult r = inverter.invert(method, image, settings.withFrameEvery(0), 0, null);
        return new LatentFile(r.latent(), r.partner(), method.exact() ? method.samplerKind() : null);
    }

    private static String describe(LatentFile f) {
        return f.exact() == null ? "a latent" : "a " + f.exact() + " pair";
    }

    private static double[] norms(INDArray path) {
        double[] out = new double[(int) path.size(0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.round(path.slice(i).norm2Number().doubleValue() * 100) / 100.0;
        }
        return out;
    }
}
