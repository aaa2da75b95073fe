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
import java.util.Set;

/** {@code ./ddim interpolate}: a path between two latents (or two inverted images), decoded frame by frame. */
final class InterpolateCommand implements Command {
    @Override
    public String name() {
        return "interpolate";
    }

    @Override
    public String summary() {
        return "interpolate between two latents or images (slerp, with lerp for comparison): frames, strip, GIF";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim interpolate --weights RUN --from A --to B --out DIR [--frames N] [--steps S] [--skip SPACING]
                                          [--method ode|hybrid|optimize|encoder] [--encoder ENC.ddim] [--iterations N]
                                          [--config C.yml]
                  --from, --to  a latent (.npz holding z [1,C,H,W], as ./ddim invert writes) or an image, inverted first
                  --method      how images are inverted (default ode; see ./ddim invert --help)
                  --frames      frames including both ends (default 9)
                Writes DIR/frame-NN.png (spherical path), DIR/strip.png (top row slerp, bottom row lerp),
                DIR/interpolation.gif, DIR/latents.npz (slerp and lerp paths), and prints the latent norm of each frame.""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("interpolate", argv, Set.of(), Set.of("weights", "config", "from", "to", "out", "frames",
                "steps", "skip", "method", "encoder", "iterations"), Set.of());
        Path outDir = args.path("out");
        int frames = args.integer("frames", 9);
        if (frames < 2) {
            throw new UsageException("interpolate: --frames must be at least 2, got " + frames);
        }
        DdimModel model = Launch.model(args);
        DdimSampler sampler = Launch.sampler(args, model);
        LatentEncoder encoder = args.has("encoder") ? LatentEncoder.load(args.path("encoder")) : null;
        Inverter inverter = new Inverter(model, sampler, encoder);
        Inverter.Method method = Launch.parse("interpolate", () -> Inverter.Method.fromName(args.string("method", "ode")));
        var settings = InvertCommand.settings(args);
        int size = model.network().architecture().size();
        INDArray a = latent(args.path("from"), inverter, method, settings, size);
        INDArray b = latent(args.path("to"), inverter, method, settings, size);
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
