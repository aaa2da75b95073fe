package org.ddim4j.samples;

import org.ddim4j.edit.ClassifierFile;
import com.google.gson.Gson;
import org.ddim4j.edit.EditEffect;
import org.ddim4j.edit.AttributeClassifier;
import org.ddim4j.edit.Boundary;
import org.ddim4j.edit.ClassEdit;
import org.ddim4j.edit.LatentEditor;
import org.ddim4j.image.Gif;
import org.ddim4j.image.Images;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.LatentEncoder;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.Sampler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./ddim edit}: moves a latent along an attribute's direction ({@link LatentEditor}), or decodes it toward a
 * class-conditional model's class ({@link ClassEdit}), and shows (and measures) the result.
 */
@Command(name = "edit",
        description = "edit an image or latent along an attribute direction, or toward a class-conditional model's class: "
                + "strip PNG, GIF, the classifier's score along it",
        footer = {"Writes DIR/strip.png (a row per latent, a column per alpha or strength), DIR/edit.gif (the first latent),",
                "DIR/latents.npz (the edited latents; with --to-class the latents themselves) and prints one JSON line."})
final class EditCommand extends DdimCommand {
    @Mixin
    ModelOptions model;
    @Mixin
    StepOptions steps;
    @Mixin
    InversionOptions inversion;
    @Mixin
    SamplerOptions samplers;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Direction direction;

    /** What the edit moves toward: an attribute's boundary, or a class-conditional model's class. */
    static final class Direction {
        @Option(names = "--boundary", required = true, paramLabel = "B.npz", description = "the attribute's boundary (./ddim boundary)")
        Path boundaryFile;

        @Option(names = "--to-class", required = true, paramLabel = "NAME",
                description = "instead: a class-conditional model's class; each latent (the null class's) is decoded with "
                        + "it at each strength of --alphas (0: the null class, the latent's own image; 1: the class; "
                        + "above 1: guided toward it)")
        String toClass;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** What is edited: an image (inverted first), a latent, or latents drawn from a seed. */
    static final class Source {
        @Option(names = "--image", required = true, paramLabel = "IMG", description = "inverted first (--method, default ode) at --steps")
        Path image;

        @Option(names = "--latent", required = true, paramLabel = "Z.npz",
                description = "a latent z [1,C,H,W] (as ./ddim invert writes; an edict or bdia pair is edited as a pair)")
        Path latent;

        @Option(names = "--seed", required = true, paramLabel = "N", description = "draw the latents from this seed")
        Long seed;
    }

    @Option(names = "--count", paramLabel = "K", defaultValue = "1",
            description = "with --seed: edit K latents drawn from the seed, one strip row each (default ${DEFAULT-VALUE})")
    int count;

    @ArgGroup(exclusive = true)
    Amount amount = new Amount();

    /** How far: steps along the normal, or a signed distance to reach. */
    static final class Amount {
        @Option(names = "--alphas", paramLabel = "FROM:TO:COUNT",
                description = "steps along the unit normal (default -3:3:7); with --to-class the strengths (default 0:3:7)")
        String alphas;

        @Option(names = "--distance", paramLabel = "D", description = "instead: move to this signed distance from the boundary")
        Double distance;
    }

    @Option(names = "--condition", arity = "1..*", paramLabel = "C.npz",
            description = "boundaries whose attributes must not change: their directions are projected out (with --boundary)")
    List<Path> conditionFiles;

    @Option(names = "--classifier", paramLabel = "CLS.zip",
            description = "also score each edited image for the boundary's attribute (scores.json; with --count, the mean "
                    + "score at each alpha and the fraction of latents whose score rose)")
    Path classifier;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "ode", completionCandidates = Choice.Methods.class,
            description = "how --image is inverted: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}); edict and bdia "
                    + "edit the latent pair (both moved by the same offset) and decode with that sampler, also for --seed")
    Inverter.Method method;


    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the output folder")
    Path dir;

    @Override
    void run(PrintStream out) throws Exception {
        if (count < 1 || (count > 1 && source.seed == null)) {
            throw usageError("--count must be at least 1, and more than 1 only with --seed");
        }
        boolean byClass = direction.toClass != null;
        if (amount.distance != null && (count > 1 || byClass)) {
            throw usageError(byClass ? "--distance goes with --boundary; --to-class takes strengths (--alphas)"
                    : "--distance edits one latent; give --alphas with --count");
        }
        if (byClass && conditionFiles != null) {
            throw usageError("--condition goes with --boundary (it projects other boundaries out of its direction)");
        }
        double[] alphas = amount.distance != null ? null
                : alphas(amount.alphas != null ? amount.alphas : byClass ? "0:3:7" : "-3:3:7");
        DdimModel model = this.model.load();
        DdimSampler sampler = steps.deterministic(model, this);
        Boundary boundary = null;
        int label = -1;
        long[] shape;
        var data = model.config().data();
        if (byClass) {
            if (!model.conditional()) {
                throw usageError("--to-class goes with a class-conditional model (network.class_conditional); this one is unconditional");
            }
            try {
                label = model.classes().label(direction.toClass);
            } catch (IllegalArgumentException e) {
                throw usageError("--to-class: " + e.getMessage());
            }
            shape = new long[]{data.channels(), data.height(), data.width()};
        } else {
            boundary = Boundary.load(direction.boundaryFile);
            if (conditionFiles != null) {
                List<Boundary> conditions = new ArrayList<>();
                for (Path c : conditionFiles) {
                    conditions.add(Boundary.load(c));
                }
                boundary = LatentEditor.conditioned(boundary, conditions);
            }
            shape = boundary.latentShape();
            if (shape[0] != data.channels() || shape[1] != data.height() || shape[2] != data.width()) {
                throw new IllegalArgumentException(direction.boundaryFile + " is for latents " + java.util.Arrays.toString(shape)
                        + ", the model's are [" + data.channels() + ", " + data.height() + ", " + data.width() + "]");
            }
        }
        LatentFile z;
        var d = model.config().diffusion();
        int stepCount = steps.steps(d, this);
        if (source.latent != null) {
            z = LatentFile.read(source.latent, shape);
            if (z.z().size(0) != 1) {
                throw new IllegalArgumentException(source.latent + ": --latent edits one latent, the file holds " + z.z().size(0));
            }
        } else if (source.seed != null) {
            INDArray noise = Inverter.randomLatents(new long[]{count, shape[0], shape[1], shape[2]}, source.seed);
            z = new LatentFile(noise, null, null);
            if (method.exact()) {
                var exact = (org.ddim4j.sampler.InvertibleSampler) samplers.forInversion(method, model, stepCount, steps.spacing(d), this);
                var pair = exact.fromNoise(model.noisePredictor(), noise);
                z = new LatentFile(pair.x(), pair.y(), exact.kind());
            }
        } else {
            LatentEncoder encoder = inversion.encoder(method, this);
            INDArray image = ImageFiles.load(List.of(source.image), (int) shape[1]);
            var r = new Inverter(model, sampler, encoder).withOdeFixedPoint(inversion.fixedPoint(this))
                    .withSampler(samplers.forInversion(method, model, stepCount, steps.spacing(d), this))
                    .invert(method, image, inversion.settings(this).withFrameEvery(0), 0, null);
            z = new LatentFile(r.latent(), r.partner(), method.exact() ? method.samplerKind() : null);
        }
        Sampler decoder = samplers.forInversion(z.exact() != null ? LatentFile.methodOf(z.exact()) : Inverter.Method.ODE,
                model, stepCount, steps.spacing(d), this);
        INDArray latents;
        INDArray images;
        if (byClass) {
            latents = z.z().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            images = decodedTowardClass(model, label, z, decoder, alphas);
        } else {
            List<INDArray> rows = new ArrayList<>();
            List<INDArray> decoded = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                LatentFile zk = z.slice(k);
                if (amount.distance != null) {
                    double now = boundary.distance(zk.z()).getDouble(0);
                    alphas = new double[]{0, amount.distance - now};
                }
                INDArray row = LatentEditor.along(zk.z().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), boundary, alphas);
                LatentFile moved = zk.partner() == null ? zk.movedTo(row) : repeated(zk, alphas.length).movedTo(row);
                rows.add(row);
                decoded.add(moved.decode(model.noisePredictor(), decoder));
            }
            latents = Nd4j.concat(0, rows.toArray(new INDArray[0]));
            images = Nd4j.concat(0, decoded.toArray(new INDArray[0]));
        }
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
        line.put("attribute", byClass ? direction.toClass : boundary.attribute());
        line.put("by", byClass ? "class" : "boundary");
        line.put("alphas", alphas);
        if (!byClass) {
            line.put("distances", boundary.distance(latents).toDoubleVector());
        }
        if (classifier != null) {
            ClassifierFile cls = ClassifierFile.load(classifier);
            String base = ((String) line.get("attribute")).split(" \\| ")[0];
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
                if (java.util.Arrays.stream(alphas).anyMatch(a -> a == 0)) {
                    EditEffect effect = EditEffect.of(alphas, p.toDoubleMatrix());
                    line.put("best_alpha", effect.bestAlpha());
                    line.put("gain", effect.gain());
                    line.put("share_crossing", effect.shareCrossing());
                    line.put("share_above_at_0", effect.shareAboveAtZero());
                }
            }
            AtomicFiles.writeString(dir.resolve("scores.json"), new Gson().toJson(line));
        }
        out.println(new Gson().toJson(line));
    }

    /**
     * Every latent decoded toward class {@code label} at each strength ({@link ClassEdit}), the latents as one batch
     * per strength; [K * strengths, C, H, W], latent k's row first (a strip row per latent).
     */
    private static INDArray decodedTowardClass(DdimModel model, int label, LatentFile z, Sampler decoder, double[] strengths) {
        int count = (int) z.z().size(0);
        INDArray images = null;
        for (int a = 0; a < strengths.length; a++) {
            INDArray x = z.decode(ClassEdit.predictor(model, label, strengths[a], count), decoder);
            if (images == null) {
                long[] shape = x.shape().clone();
                shape[0] = (long) count * strengths.length;
                images = Nd4j.create(x.dataType(), shape);
            }
            for (int k = 0; k < count; k++) {
                images.putSlice(k * strengths.length + a, x.slice(k));
            }
        }
        return images;
    }

    /** FROM:TO:COUNT, evenly spaced, both ends included. */
    double[] alphas(String spec) {
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
            throw usageError("--alphas must be FROM:TO:COUNT with COUNT >= 2 (e.g. -3:3:7), got " + spec);
        }
    }

    /** The pair's arrays repeated n times along the batch, so that each edited row moves its own copy. */
    private static LatentFile repeated(LatentFile one, int n) {
        return new LatentFile(one.z().repeat(0, n), one.partner().repeat(0, n), one.exact());
    }
}
