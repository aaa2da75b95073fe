package org.ddim4j.samples;

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
import org.ddim4j.metrics.KernelInceptionDistance;
import org.ddim4j.model.ClassPrior;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.sampler.SamplerKind;
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
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./ddim eval}: samples a model and measures the samples against a dataset split (FID, KID, precision,
 * recall, memorisation) beside the real-data floor; {@code eval features} and {@code eval compare} work on feature
 * files; {@code eval train-features} makes the emoji feature network.
 */
@Command(name = "eval",
        description = "sample quality: FID, KID, precision/recall, memorisation (also: eval features|compare|train-features)",
        subcommands = {EvalCommand.Features.class, EvalCommand.Compare.class, FeatureTrainingCommand.class},
        footer = {"Samples N images (batch b from the noise of seed mix(seed, b)), extracts features and prints FID, KID (mean",
                "and std of the unbiased MMD^2 over 100 subsets of min(1000, N); the table shows it x1000, the JSON plain),",
                "precision and recall (k = 3) and the share of memorised samples, beside the same figures for the dataset's",
                "held-out images against the reference split (the floor a perfect model reaches at that size), and KID",
                "between random halves of the reference (the floor from the reference alone, for few held-out images). DIR gets",
                "metrics.json, samples.png, memorisation.png (the samples nearest to a training image, each beside it) and",
                "features.npz. The last line is one JSON object."})
final class EvalCommand extends DdimCommand {
    private static final int FEATURE_BATCH = 32;
    private static final int CLOSEST_PAIRS = 16;

    // not the ModelOptions mixin: picocli checks a parent's required options for its subcommands too
    @Option(names = "--weights", paramLabel = "W", description = "the model: a run folder, checkpoint, model file or "
            + ".safetensors (with --config); required unless a subcommand is given")
    Path weights;

    @Option(names = "--config", paramLabel = "C.yml", description = "the network's config, where the weights do not carry it")
    String config;

    @Mixin
    StepOptions stepOptions;
    @Mixin
    FeatureOptions features;

    @Option(names = "--dataset", paramLabel = "NAME", completionCandidates = TrainCommand.DatasetNames.class,
            description = "the reference dataset (default: the config's data.dataset; the demo and zoo models learn emoji-smileys)")
    String datasetName;

    @Option(names = "--root", paramLabel = "DIR", description = "the dataset's folder (default: its cache folder)")
    Path root;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "train", completionCandidates = Choice.Splits.class,
            description = "the reference split: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Split split;

    @Option(names = "--count", paramLabel = "N", description = "samples to draw (at least 2; required unless a subcommand is given)")
    Integer count;

    @Mixin
    SamplerOptions samplers;

    @Mixin
    ClassOptions classes;

    @Option(names = "--eta", paramLabel = "E", description = "DDIM's eta (default: the config's diffusion.eta)")
    Double eta;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed of the samples and the subsets (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "64", description = "samples per batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/eval", description = "the output folder (default ${DEFAULT-VALUE})")
    Path outDir;

    @Override
    void run(PrintStream out) throws Exception {
        if (weights == null) {
            throw usageError("--weights is required (or a subcommand: features, compare, train-features)");
        }
        if (count == null || count < 2 || batch < 1) {
            throw usageError("--count must be at least 2 and --batch positive");
        }
        int count = this.count;
        DdimModel model = ModelOptions.load(weights, config);
        model = classes.apply(model, this);
        ClassPrior prior = classes.prior(model, this);
        var diffusion = model.config().diffusion();
        int steps = stepOptions.steps(diffusion, this);
        TimestepSpacing spacing = stepOptions.spacing(diffusion);
        SamplerKind kind = samplers.kind(diffusion);
        double eta = kind != SamplerKind.DDIM ? 0.0 : this.eta == null || this.eta < 0 ? diffusion.eta() : this.eta;
        if (kind != SamplerKind.DDIM && this.eta != null && this.eta != 0) {
            throw usageError("--eta goes with --sampler ddim; " + kind + " is deterministic");
        }
        Sampler sampler = samplers.create(model, kind, steps, spacing, eta, this);
        String dataset = datasetName != null ? datasetName : model.config().data().dataset().key();
        int size = model.config().data().height();

        FeatureExtractor extractor = features.open(this);
        out.printf(Locale.ROOT, "features: %s (%d values per image%s)%n", extractor.id(), extractor.dimension(),
                extractor.comparable() ? ", FID comparable with published figures" : "; FID not comparable with published figures");
        ReferenceFeatures ref = DatasetFeatures.reference(extractor, dataset, root, split, size, FeatureCache.inHome(), FEATURE_BATCH);
        out.println("reference: " + ref.label());

        long start = System.nanoTime();
        ProgressBar bar = new ProgressBar(out, "sampling", count);
        INDArray samples = SampleDraws.draw(model, prior, sampler, count, batch, seed, bar::update);
        bar.done();
        double sampling = (System.nanoTime() - start) / 1e9;
        SampleQuality q = SampleQuality.measure(samples, ref, FEATURE_BATCH, seed);
        QualityReport floor = ref.floor(seed);
        printTable(out, q.samples(), floor);
        KernelInceptionDistance.Result halves = ref.halvesFloor(seed);
        out.printf(Locale.ROOT, "%-22s %14s   (floor: KID between random halves of the reference, %d images each, %d splits)%n",
                "KID x1000 (std)", String.format(Locale.ROOT, "%.3f (%.3f)", 1000 * halves.mean(), 1000 * halves.std()),
                halves.subsetSize(), halves.subsets());

        Files.createDirectories(outDir);
        Images.writePng(Images.grid(samples.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(64, count))), 8),
                outDir.resolve("samples.png"));
        if (split == Split.TRAIN) {
            try (ImageSplit training = ImageDatasets.open(dataset, root, Split.TRAIN)) {
                writeClosestPairs(samples, q.samples().memorisation(), training, size, outDir.resolve("memorisation.png"));
            }
        }
        Npz.write(outDir.resolve("features.npz"), Map.of("features", q.sampleFeatures()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("weights", weights.toString());
        json.put("dataset", dataset);
        json.put("split", split.name().toLowerCase());
        json.put("count", count);
        json.put("sampler", kind.key());
        json.put("steps", sampler.evaluations());
        json.put("skip", spacing.name().toLowerCase());
        json.put("eta", eta);
        if (model.conditional()) {
            json.put("guidance", model.config().diffusion().guidance());
            json.put("classes", classes.classNames == null ? model.classes().names() : classes.classNames);
        }
        json.put("seed", seed);
        json.put("sampling_seconds", Math.round(sampling * 10) / 10.0);
        json.put("samples", q.samples().toMap());
        json.put("floor", floor == null ? null : floor.toMap());
        Map<String, Object> halvesJson = new LinkedHashMap<>();
        halvesJson.put("kid_mean", halves.mean());
        halvesJson.put("kid_std", halves.std());
        halvesJson.put("splits", halves.subsets());
        halvesJson.put("half_size", halves.subsetSize());
        json.put("floor_reference_halves", halvesJson);
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
        row(out, "nearest: effective", s.memorisation() == null ? null : s.memorisation().effectiveImages(), null, "%.1f");
        row(out, "nearest: top-10 share", s.memorisation() == null ? null : s.memorisation().topShare(10), null, "%.3f");
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

    /** {@code ./ddim eval features}: features of a folder of images or of a dataset split. */
    @Command(name = "features", description = "features [N, D] of a folder of images (PNG, JPEG; all of one size) or of a "
            + "dataset split read at --size (the first --count images)")
    static final class Features extends DdimCommand {
        @Mixin
        FeatureOptions features;

        @ArgGroup(exclusive = true, multiplicity = "1")
        ImageSource source;

        /** The images: a folder, or a dataset split. */
        static final class ImageSource {
            @Option(names = "--images", required = true, paramLabel = "DIR", description = "a folder of PNG or JPEG images of one size")
            Path folder;

            @Option(names = "--dataset", required = true, paramLabel = "NAME", completionCandidates = TrainCommand.DatasetNames.class,
                    description = "a dataset: ${COMPLETION-CANDIDATES}")
            String dataset;
        }

        @Option(names = "--root", paramLabel = "DIR", description = "the dataset's folder (default: its cache folder)")
        Path root;

        @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "train", completionCandidates = Choice.Splits.class,
                description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
        Split split;

        @Option(names = "--size", paramLabel = "PIXELS", defaultValue = "32", description = "the dataset's images at this size (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--count", paramLabel = "N", description = "the first N images (default: all)")
        Integer count;

        @Option(names = "--output", required = true, paramLabel = "F.npz", description = "the features file to write")
        Path output;

        @Override
        void run(PrintStream out) throws Exception {
            if (!output.getFileName().toString().endsWith(".npz")) {
                throw usageError("--output must end in .npz, got " + output);
            }
            FeatureExtractor extractor = features.open(this);
            INDArray images;
            String from;
            if (source.folder != null) {
                images = folderImages(source.folder, count == null ? Integer.MAX_VALUE : count);
                from = source.folder.toString();
            } else {
                try (ImageSplit s = ImageDatasets.open(source.dataset, root, split)) {
                    int n = Math.min(count == null ? s.size() : count, s.size());
                    if (n < 1) {
                        throw new IllegalArgumentException(s.dataset() + " " + split.name().toLowerCase(Locale.ROOT)
                                + ": the split holds no images");
                    }
                    images = ImageDatasets.tensors(s, size, 0, n);
                    from = s.dataset() + " " + split.name().toLowerCase(Locale.ROOT);
                }
            }
            INDArray f = extractor.featuresInBatches(images, FEATURE_BATCH);
            Npz.write(output, Map.of("features", f));
            out.printf(Locale.ROOT, "wrote features %s of %s (%s) to %s%n", Arrays.toString(f.shape()), from, extractor.id(), output);
        }
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

    /** {@code ./ddim eval compare}: every metric from two feature files. */
    @Command(name = "compare", description = "every metric from two feature files (array 'features' [N, D]): A plays the "
            + "samples, B the reference, T (optional) the training set for memorisation")
    static final class Compare extends DdimCommand {
        @Option(names = "--a", required = true, paramLabel = "A.npz", description = "the samples' features")
        Path a;

        @Option(names = "--b", required = true, paramLabel = "B.npz", description = "the reference features")
        Path b;

        @Option(names = "--train", paramLabel = "T.npz", description = "the training set's features, for memorisation")
        Path train;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed of KID's subsets (default ${DEFAULT-VALUE})")
        long seed;

        @Override
        void run(PrintStream out) throws Exception {
            INDArray fa = featureFile(a);
            INDArray fb = featureFile(b);
            INDArray ft = train != null ? featureFile(train) : null;
            QualityReport r = QualityMetrics.compute(fa, fb, ft, "files", false, seed);
            printTable(out, r, null);
            out.println(new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().create().toJson(r.toMap()));
        }
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
