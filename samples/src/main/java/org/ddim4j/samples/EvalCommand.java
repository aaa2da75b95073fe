package org.ddim4j.samples;

import org.ddim4j.config.Choices;
import org.ddim4j.data.ImageTransforms;
import com.google.gson.GsonBuilder;
import org.ddim4j.data.DatasetFeatures;
import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.data.Split;
import org.ddim4j.metrics.ReferenceFeatures;
import org.ddim4j.evaluation.SampleDraws;
import org.ddim4j.evaluation.SampleQuality;
import org.ddim4j.image.Images;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.io.Npz;
import org.ddim4j.metrics.FeatureCache;
import org.ddim4j.metrics.FeatureExtractor;
import org.ddim4j.metrics.Memorisation;
import org.ddim4j.metrics.QualityMetrics;
import org.ddim4j.metrics.QualityReport;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.TimestepSpacing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
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

/**
 * {@code ./ddim eval}: samples a model and measures the samples against a dataset split (FID, KID, precision,
 * recall, memorisation) beside the real-data floor; {@code eval features} and {@code eval compare} work on feature
 * files; {@code eval train-features} makes the emoji feature network.
 */
final class EvalCommand implements Command {
    private static final int FEATURE_BATCH = 32;
    private static final int CLOSEST_PAIRS = 16;

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "sample quality: FID, KID, precision/recall, memorisation (also: eval features|compare|train-features)";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim eval --weights W [--config C.yml] [--dataset NAME] [--root DIR] [--split train] --count N
                                   [--steps S] [--skip uniform|quadratic|linspace|trailing] [--eta E] [--seed 0]
                                   [--batch 64] [--features emoji|emoji=F.zip|inception|inception=PATH]
                                   [--inception-unchecked] [--out DIR]
                  samples N images (batch b from the noise of seed mix(seed, b)), extracts features and prints FID, KID
                  (mean and std of the unbiased MMD^2 over 100 subsets of min(1000, N); the table shows it x1000, the
                  JSON plain), precision and recall (k = 3) and the share of memorised samples, beside the same
                  figures for the dataset's held-out images against the reference split: the floor a perfect model
                  reaches at that size. --dataset defaults to the config's data.dataset; the demo and zoo models learn
                  emoji-smileys. DIR (default out/eval) gets metrics.json, samples.png, memorisation.png (the samples
                  nearest to a training image, each beside it) and features.npz. The last line is one JSON object.
                  --features: %s.
                  --inception-unchecked: use Inception weights whose SHA-256 is not the published file's (FIDs are
                  then labelled not comparable with published ones).

                usage: ./ddim eval features [--features ...] (--images DIR | --dataset NAME [--root DIR] [--split train])
                                   [--size 32] [--count N] --output F.npz
                  features [N, D] of a folder of images (PNG, JPEG; all of one size) or of a dataset split read at
                  --size (the first --count images).

                usage: ./ddim eval compare --a A.npz --b B.npz [--train T.npz] [--seed 0]
                  every metric from two feature files (array 'features' [N, D]); A plays the samples, B the reference,
                  T (optional) the training set for memorisation.

                %s""".formatted(FeatureChoice.HELP, FeatureTrainingCommand.USAGE);
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        String sub = argv.length > 0 && !argv[0].startsWith("--") ? argv[0] : "";
        String[] rest = sub.isEmpty() ? argv : Arrays.copyOfRange(argv, 1, argv.length);
        switch (sub) {
            case "" -> evaluate(rest, out);
            case "features" -> features(rest, out);
            case "compare" -> compare(rest, out);
            case "train-features" -> FeatureTrainingCommand.run(rest, out);
            default -> throw new UsageException("eval: unknown subcommand '" + sub + "'; give flags, or features, compare or train-features");
        }
    }

    private static void evaluate(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("eval", argv, Set.of("inception-unchecked"), Set.of("weights", "config", "dataset", "root",
                "split", "count", "steps", "skip", "eta", "seed", "batch", "features", "out"), Set.of());
        args.required("weights");
        int count = args.integer("count", -1);
        int batch = args.integer("batch", 64);
        if (count < 2 || batch < 1) {
            throw new UsageException("eval: --count must be at least 2 and --batch positive");
        }
        double eta = args.number("eta", -1);
        long seed = args.longValue("seed", 0);
        Path outDir = args.path("out", Path.of("out", "eval"));
        DdimModel model = Launch.model(args);
        var diffusion = model.config().diffusion();
        int steps = args.integer("steps", diffusion.numTSteps());
        if (steps <= 0 || steps > diffusion.numT()) {
            throw new UsageException("eval: --steps must be in [1, " + diffusion.numT() + "], got " + steps);
        }
        TimestepSpacing spacing = Launch.parse("eval", () -> TimestepSpacing.fromName(args.string("skip", Choices.name(diffusion.skipType()))));
        eta = eta < 0 ? diffusion.eta() : eta;
        DdimSampler sampler = model.sampler(steps, spacing, eta);
        String dataset = args.string("dataset", model.config().data().dataset().key());
        Split split = Launch.parse("eval", () -> Split.fromName(args.string("split", "train")));
        Path root = args.has("root") ? args.path("root") : null;
        int size = model.config().data().height();

        FeatureExtractor extractor = FeatureChoice.open(args);
        out.printf(Locale.ROOT, "features: %s (%d values per image%s)%n", extractor.id(), extractor.dimension(),
                extractor.comparable() ? ", FID comparable with published figures" : "; FID not comparable with published figures");
        ReferenceFeatures ref = DatasetFeatures.reference(extractor, dataset, root, split, size, FeatureCache.inHome(), FEATURE_BATCH);
        out.println("reference: " + ref.label());

        long start = System.nanoTime();
        ProgressBar bar = new ProgressBar(out, "sampling", count);
        INDArray samples = SampleDraws.draw(model, sampler, count, batch, seed, bar::update);
        bar.done();
        double sampling = (System.nanoTime() - start) / 1e9;
        SampleQuality q = SampleQuality.measure(samples, ref, FEATURE_BATCH, seed);
        QualityReport floor = ref.floor(seed);
        printTable(out, q.samples(), floor);

        Files.createDirectories(outDir);
        Images.writePng(Images.grid(samples.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(64, count))), 8),
                outDir.resolve("samples.png"));
        if (split == Split.TRAIN) {
            writeClosestPairs(samples, q.samples().memorisation(), ImageDatasets.open(dataset, root, Split.TRAIN), size,
                    outDir.resolve("memorisation.png"));
        }
        Npz.write(outDir.resolve("features.npz"), Map.of("features", q.sampleFeatures()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("weights", args.required("weights"));
        json.put("dataset", dataset);
        json.put("split", split.name().toLowerCase());
        json.put("count", count);
        json.put("steps", sampler.numSteps());
        json.put("skip", spacing.name().toLowerCase());
        json.put("eta", eta);
        json.put("seed", seed);
        json.put("sampling_seconds", Math.round(sampling * 10) / 10.0);
        json.put("samples", q.samples().toMap());
        json.put("floor", floor == null ? null : floor.toMap());
        String line = new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().create().toJson(json);
        AtomicFiles.writeString(outDir.resolve("metrics.json"),
                new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().setPrettyPrinting().create().toJson(json));
        out.println("wrote " + outDir.resolve("metrics.json") + ", samples.png, memorisation.png, features.npz");
        out.println(line);
    }

    /** The figures of the samples and of the floor, KID shown x1000 (the JSON keeps the plain MMD^2). */
    static void printTable(PrintStream out, QualityReport s, QualityReport floor) {
        out.printf(Locale.ROOT, "%-22s %14s %14s%n", "", "samples", "floor (held-out)");
        row(out, "images", s.generated(), floor == null ? null : (double) floor.generated(), "%.0f");
        row(out, "FID", s.fid(), floor == null ? null : floor.fid(), "%.3f");
        out.printf(Locale.ROOT, "%-22s %14s %14s%n", "KID x1000 (std)", kid(s), floor == null ? "-" : kid(floor));
        row(out, "precision", s.precisionRecall() == null ? null : s.precisionRecall().precision(),
                floor == null || floor.precisionRecall() == null ? null : floor.precisionRecall().precision(), "%.3f");
        row(out, "recall", s.precisionRecall() == null ? null : s.precisionRecall().recall(),
                floor == null || floor.precisionRecall() == null ? null : floor.precisionRecall().recall(), "%.3f");
        row(out, "memorised share", s.memorisation() == null ? null : s.memorisation().share(), null, "%.3f");
        for (String note : s.notes()) {
            out.println("samples: " + note);
        }
        if (floor != null) {
            for (String note : floor.notes()) {
                out.println("floor: " + note);
            }
        }
    }

    private static void row(PrintStream out, String name, Number a, Number b, String fmt) {
        out.printf(Locale.ROOT, "%-22s %14s %14s%n", name, a == null ? "-" : String.format(Locale.ROOT, fmt, a.doubleValue()),
                b == null ? "-" : String.format(Locale.ROOT, fmt, b.doubleValue()));
    }

    private static String kid(QualityReport r) {
        return String.format(Locale.ROOT, "%.3f (%.3f)", 1000 * r.kid().mean(), 1000 * r.kid().std());
    }

    /** The samples most like a training image, each beside its nearest training image, 4 pairs a row. */
    private static void writeClosestPairs(INDArray samples, Memorisation m, ImageSplit training, int size, Path file)
            throws IOException {
        int[] closest = m.closest(CLOSEST_PAIRS);
        INDArray pairs = Nd4j.create(DataType.FLOAT, 2L * closest.length, 3, size, size);
        for (int i = 0; i < closest.length; i++) {
            pairs.putSlice(2 * i, org.nd4j.linalg.ops.transforms.Transforms.max(
                    org.nd4j.linalg.ops.transforms.Transforms.min(samples.slice(closest[i]), 1.0, true), -1.0, false));
            pairs.putSlice(2 * i + 1, ImageDatasets.tensors(training, size, m.nearest()[closest[i]], 1).slice(0));
        }
        Images.writePng(Images.grid(pairs, 8), file);
    }

    private static void features(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("eval features", argv, Set.of("inception-unchecked"),
                Set.of("features", "images", "dataset", "root", "split", "size", "count", "output"), Set.of());
        args.exclusive("images", "dataset");
        Path output = args.path("output");
        if (!output.getFileName().toString().endsWith(".npz")) {
            throw new UsageException("eval features: --output must end in .npz, got " + output);
        }
        FeatureExtractor extractor = FeatureChoice.open(args);
        INDArray images;
        String source;
        if (args.has("images")) {
            images = folderImages(args.path("images"), args.integer("count", Integer.MAX_VALUE));
            source = args.path("images").toString();
        } else if (args.has("dataset")) {
            Split split = Launch.parse("eval features", () -> Split.fromName(args.string("split", "train")));
            ImageSplit s = ImageDatasets.open(args.required("dataset"), args.has("root") ? args.path("root") : null, split);
            int n = Math.min(args.integer("count", s.size()), s.size());
            if (n < 1) {
                throw new IllegalArgumentException(s.dataset() + " " + split.name().toLowerCase() + ": the split holds no images");
            }
            images = ImageDatasets.tensors(s, args.integer("size", 32), 0, n);
            source = s.dataset() + " " + split.name().toLowerCase();
        } else {
            throw new UsageException("eval features: give --images DIR or --dataset NAME");
        }
        INDArray f = extractor.featuresInBatches(images, FEATURE_BATCH);
        Npz.write(output, Map.of("features", f));
        out.printf(Locale.ROOT, "wrote features %s of %s (%s) to %s%n", Arrays.toString(f.shape()), source, extractor.id(), output);
    }

    /** Every PNG/JPEG image of a folder (sorted by name), all of one size, in [-1, 1]. */
    private static INDArray folderImages(Path dir, int max) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("image folder not found: " + dir.toAbsolutePath());
        }
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)$"))
                    .sorted().limit(max).forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no PNG or JPEG images");
        }
        List<INDArray> images = new ArrayList<>();
        long[] first = null;
        for (Path f : files) {
            var img = javax.imageio.ImageIO.read(f.toFile());
            if (img == null) {
                throw new IllegalArgumentException(f + ": not a decodable image (expected PNG or JPEG)");
            }
            INDArray x = Images.fromImage(ImageTransforms.compositeOnto(img, java.awt.Color.WHITE));
            if (first == null) {
                first = x.shape();
            } else if (!Arrays.equals(first, x.shape())) {
                throw new IllegalArgumentException(f + ": " + x.size(2) + "x" + x.size(1) + " pixels, but "
                        + files.get(0).getFileName() + " has " + first[2] + "x" + first[1] + "; give images of one size");
            }
            images.add(x);
        }
        return Nd4j.stack(0, images.toArray(INDArray[]::new));
    }

    private static void compare(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("eval compare", argv, Set.of(), Set.of("a", "b", "train", "seed"), Set.of());
        INDArray a = featureFile(args.path("a"));
        INDArray b = featureFile(args.path("b"));
        INDArray t = args.has("train") ? featureFile(args.path("train")) : null;
        QualityReport r = QualityMetrics.compute(a, b, t, "files", false, args.longValue("seed", 0));
        printTable(out, r, null);
        out.println(new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().create().toJson(r.toMap()));
    }

    private static INDArray featureFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("features file not found: " + file.toAbsolutePath());
        }
        Map<String, INDArray> arrays = Npz.read(file);
        INDArray f = arrays.get("features");
        if (f == null) {
            throw new IllegalArgumentException(file + ": no array 'features' (expected features [N, D], as ./ddim eval"
                    + " features writes them; it holds " + arrays.keySet() + ")");
        }
        if (f.rank() != 2) {
            throw new IllegalArgumentException(file + ": 'features' has shape " + Arrays.toString(f.shape()) + ", expected [N, D]");
        }
        return f;
    }
}
