package org.ddim4j.samples;

import org.ddim4j.invert.InversionSettings;
import com.google.gson.Gson;
import org.ddim4j.image.Gif;
import org.ddim4j.image.Images;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.LatentEncoder;
import org.ddim4j.invert.LatentInterpolation;
import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

    @Option(names = "--from", required = true, paramLabel = "A",
            description = "a latent (.npz holding z [1,C,H,W], as ./ddim invert writes) or an image, inverted first")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "B", description = "the other end, as --from")
    Path to;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the output folder")
    Path outDir;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "9", description = "frames including both ends (default ${DEFAULT-VALUE})")
    int frames;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "ode", completionCandidates = Choice.Methods.class,
            description = "how images are inverted: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; see ./ddim invert --help)")
    Inverter.Method method;


    @Override
    void run(PrintStream out) throws Exception {
        if (frames < 2) {
            throw usageError("--frames must be at least 2, got " + frames);
        }
        DdimModel model = this.model.load();
        DdimSampler sampler = steps.deterministic(model, this);
        LatentEncoder encoder = inversion.encoder(method, this);
        Inverter inverter = new Inverter(model, sampler, encoder);
        var settings = inversion.settings(this);
        int size = model.network().architecture().size();
        INDArray a = latent(from, inverter, method, settings, size);
        INDArray b = latent(to, inverter, method, settings, size);
        INDArray slerp = LatentInterpolation.path(a, b, frames, true);
        INDArray lerp = LatentInterpolation.path(a, b, frames, false);
        INDArray both = Nd4j.concat(0, slerp, lerp);
        INDArray decoded = sampler.sample(model.network(), both, null);
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

    private static INDArray latent(Path p, Inverter inverter, Inverter.Method method,
                                   InversionSettings settings, int size) throws Exception {
        if (p.getFileName().toString().endsWith(".npz")) {
            INDArray z = Npz.readArray(p, "z");
            if (z.rank() == 4 && z.size(0) == 1) {
                z = z.reshape(z.size(1), z.size(2), z.size(3));
            }
            if (z.rank() != 3 || z.size(1) != size || z.size(2) != size) {
                throw new IllegalArgumentException(p + ": z has shape " + Arrays.toString(z.shape()) + ", expected [1, 3, "
                        + size + ", " + size + "]");
            }
            return z;
        }
        INDArray image = ImageFiles.load(List.of(p), size);
        return inverter.invert(method, image, settings.withFrameEvery(0), 0, null).latent().slice(0);
    }

    private static double[] norms(INDArray path) {
        double[] out = new double[(int) path.size(0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.round(path.slice(i).norm2Number().doubleValue() * 100) / 100.0;
        }
        return out;
    }
}
