package org.ddim4j.samples;

import com.google.gson.Gson;
import org.ddim4j.edit.AttributeClassifier;
import org.ddim4j.edit.Boundary;
import org.ddim4j.edit.LatentEditor;
import org.ddim4j.image.Gif;
import org.ddim4j.image.Images;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.LatentEncoder;
import org.ddim4j.io.AtomicFiles;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code ./ddim edit}: moves a latent along an attribute's direction and shows (and measures) the result. */
final class EditCommand implements Command {
    @Override
    public String name() {
        return "edit";
    }

    @Override
    public String summary() {
        return "edit an image or latent along an attribute direction: strip PNG, GIF, the classifier's score along it";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim edit --weights RUN --boundary B.npz (--image IMG | --latent Z.npz | --seed N [--count K]) --out DIR
                                   [--alphas -3:3:7 | --distance D] [--condition C.npz ...] [--classifier CLS.zip]
                                   [--steps S] [--method ode|hybrid|optimize|encoder] [--encoder ENC.ddim] [--iterations N]
                  --alphas     FROM:TO:COUNT steps along the unit normal (default -3:3:7)
                  --distance   instead: move to this signed distance from the boundary
                  --condition  boundaries whose attributes must not change: their directions are projected out
                  --image      inverted first (--method, default ode) at --steps
                  --count      with --seed: edit K latents drawn from the seed, one strip row each (default 1)
                  --classifier also score each edited image for the boundary's attribute (scores.json; with --count,
                               the mean score at each alpha and the fraction of latents whose score rose)
                Writes DIR/strip.png, DIR/edit.gif (the first latent), DIR/latents.npz and prints one JSON line.""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("edit", argv, Set.of(), Set.of("weights", "config", "boundary", "image", "latent", "seed",
                "out", "alphas", "distance", "classifier", "steps", "skip", "method", "encoder", "iterations", "count"),
                Set.of("condition"));
        int sources = (args.has("image") ? 1 : 0) + (args.has("latent") ? 1 : 0) + (args.has("seed") ? 1 : 0);
        if (sources != 1) {
            throw new UsageException("edit: give exactly one of --image, --latent, --seed");
        }
        args.exclusive("alphas", "distance");
        int count = args.integer("count", 1);
        if (count < 1 || (count > 1 && !args.has("seed"))) {
            throw new UsageException("edit: --count must be at least 1, and more than 1 only with --seed");
        }
        if (count > 1 && args.has("distance")) {
            throw new UsageException("edit: --distance edits one latent; give --alphas with --count");
        }
        DdimModel model = Launch.model(args);
        DdimSampler sampler = Launch.sampler(args, model);
        Boundary boundary = Boundary.load(args.path("boundary"));
        List<Boundary> conditions = new ArrayList<>();
        if (args.has("condition")) {
            for (String c : args.list("condition")) {
                conditions.add(Boundary.load(Path.of(c)));
            }
            boundary = LatentEditor.conditioned(boundary, conditions);
        }
        long[] shape = boundary.latentShape();
        var data = model.config().data();
        if (shape[0] != data.channels() || shape[1] != data.height() || shape[2] != data.width()) {
            throw new IllegalArgumentException(args.path("boundary") + " is for latents " + java.util.Arrays.toString(shape)
                    + ", the model's are [" + data.channels() + ", " + data.height() + ", " + data.width() + "]");
        }
        INDArray z;
        if (args.has("latent")) {
            z = Npz.readArray(args.path("latent"), "z").reshape(1, shape[0], shape[1], shape[2]);
        } else if (args.has("seed")) {
            z = Inverter.randomLatents(new long[]{count, shape[0], shape[1], shape[2]}, args.longValue("seed", 0));
        } else {
            LatentEncoder encoder = args.has("encoder") ? LatentEncoder.load(args.path("encoder")) : null;
            Inverter.Method method = Launch.parse("edit", () -> Inverter.Method.fromName(args.string("method", "ode")));
            INDArray image = ImageFiles.load(List.of(args.path("image")), (int) shape[1]);
            z = new Inverter(model, sampler, encoder).invert(method, image, InvertCommand.settings(args).withFrameEvery(0), 0, null)
                    .latent();
        }
        double[] alphas = args.has("distance") ? null : alphas(args.string("alphas", "-3:3:7"));
        List<INDArray> rows = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            INDArray zk = z.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(k, k + 1));
            if (args.has("distance")) {
                double now = boundary.distance(zk).getDouble(0);
                alphas = new double[]{0, args.number("distance", 0) - now};
            }
            rows.add(LatentEditor.along(zk, boundary, alphas));
        }
        INDArray latents = Nd4j.concat(0, rows.toArray(new INDArray[0]));
        List<INDArray> decoded = new ArrayList<>();
        for (INDArray row : rows) {
            decoded.add(sampler.sample(model.network(), row, null));
        }
        INDArray images = Nd4j.concat(0, decoded.toArray(new INDArray[0]));
        Path dir = args.path("out");
        Files.createDirectories(dir);
        Images.writePng(Images.grid(images, alphas.length), dir.resolve("strip.png"));
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < alphas.length; i++) {
            frames.add(Images.toImage(images.slice(i)));
        }
        for (int i = alphas.length - 2; i > 0; i--) {
            frames.add(frames.get(i));
        }
        Gif.write(frames, 200, dir.resolve("edit.gif"));
        Npz.write(dir.resolve("latents.npz"), Map.of("z", latents));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("attribute", boundary.attribute());
        line.put("alphas", alphas);
        line.put("distances", boundary.distance(latents).toDoubleVector());
        if (args.has("classifier")) {
            ClassifierCommand.Loaded cls = ClassifierCommand.load(args.path("classifier"));
            String base = boundary.attribute().split(" \\| ")[0];
            int index = cls.attributes().indexOf(base);
            if (index < 0) {
                throw new IllegalArgumentException("the classifier has no attribute '" + base + "' (it has " + cls.attributes() + ")");
            }
            INDArray clipped = org.nd4j.linalg.ops.transforms.Transforms.min(
                    org.nd4j.linalg.ops.transforms.Transforms.max(images, -1.0, false), 1.0, false);
            INDArray p = AttributeClassifier.scores(cls.net(), clipped).getColumn(index).dup().reshape(count, alphas.length);
            line.put("scores", count == 1 ? p.getRow(0).toDoubleVector() : p.toDoubleMatrix());
            if (count > 1) {
                line.put("mean_scores", p.mean(0).toDoubleVector());
                INDArray rose = p.getColumn(alphas.length - 1).gt(p.getColumn(0)).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
                line.put("fraction_rising", rose.meanNumber().doubleValue());
            }
            AtomicFiles.writeString(dir.resolve("scores.json"), new Gson().toJson(line));
        }
        out.println(new Gson().toJson(line));
    }

    /** FROM:TO:COUNT, evenly spaced, both ends included. */
    static double[] alphas(String spec) {
        String[] p = spec.split(":");
        try {
            double from = Double.parseDouble(p[0]);
            double to = Double.parseDouble(p[1]);
            int count = Integer.parseInt(p[2]);
            if (p.length != 3 || count < 2) {
                throw new NumberFormatException();
            }
            double[] out = new double[count];
            for (int i = 0; i < count; i++) {
                out[i] = from + (to - from) * i / (count - 1);
            }
            return out;
        } catch (RuntimeException e) {
            throw new UsageException("edit: --alphas must be FROM:TO:COUNT with COUNT >= 2 (e.g. -3:3:7), got " + spec);
        }
    }
}
