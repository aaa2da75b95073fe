package org.ddim4j.samples;

import org.ddim4j.config.Dataset;
import org.ddim4j.data.DatasetFeatures;
import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.Split;
import org.ddim4j.evaluation.KidProbe;
import org.ddim4j.metrics.FeatureCache;
import org.ddim4j.metrics.FeatureExtractor;
import org.ddim4j.unet.UNetArchitecture;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.data.Datasets;
import org.ddim4j.batches.BatchSource;
import org.ddim4j.model.CheckpointFile;
import org.ddim4j.train.Trainer;
import org.ddim4j.model.TrainingRun;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./ddim train}: trains (or resumes) a DDIM on a dataset. */
@Command(name = "train", description = "train a DDIM (checkpoints, EMA, loss curve, sample grids); --resume continues")
final class TrainCommand extends DdimCommand {
    @Option(names = "--config", paramLabel = "C.yml",
            description = "the seed's YAML layout, or a preset name (emoji_demo, celeba, ...); not needed with --resume")
    String config;

    @Option(names = "--out", required = true, paramLabel = "RUN_DIR",
            description = "the run folder: checkpoint.ckpt, model.ddim, loss.csv, loss.png, samples/")
    Path runDir;

    @Option(names = "--dataset", paramLabel = "NAME", completionCandidates = DatasetNames.class,
            description = "overrides data.dataset: ${COMPLETION-CANDIDATES} (see ./ddim dataset --help)")
    String dataset;

    @Option(names = "--data-root", paramLabel = "DIR",
            description = "folder holding the dataset's files (default: the dataset's own cache folder)")
    Path dataRoot;

    @Option(names = "--iterations", paramLabel = "N", description = "overrides training.num_i")
    Integer iterations;

    @Option(names = "--minutes", paramLabel = "M", description = "stop after this much training time (a checkpoint is written)")
    Double minutes;

    @Option(names = "--resume", description = "continue the run in --out from its checkpoint (--config is then not needed; "
            + "a --config given is compared with the checkpoint's, whose values win)")
    boolean resume;

    @Option(names = "--switch-dataset", description = "with --resume and --dataset: continue the run on another dataset "
            + "(refused otherwise: a resumed run trains on the dataset it started with)")
    boolean switchDataset;

    @Option(names = "--strict", description = "stop at the first training image that cannot be read (default: skip it, "
            + "count it and log it, as ./ddim dataset stats does)")
    boolean strict;

    @Mixin
    FeatureOptions features;

    /** The dataset names, for usage and completion. */
    static final class DatasetNames extends Choice.Names {
        DatasetNames() {
            super(Dataset.class);
        }
    }

    /** The batches, stopping at an unreadable image with --strict. */
    private BatchSource strict(BatchSource data) {
        return strict && data instanceof org.ddim4j.batches.ShuffledBatches s ? s.strict() : data;
    }

    /** The dotted keys (section.key) whose values differ between two configs. */
    static List<String> differingKeys(DdimConfig a, DdimConfig b) {
        Map<String, Object> fa = flatten("", new org.yaml.snakeyaml.Yaml().load(ConfigLoader.toYaml(a)));
        Map<String, Object> fb = flatten("", new org.yaml.snakeyaml.Yaml().load(ConfigLoader.toYaml(b)));
        java.util.Set<String> keys = new java.util.TreeSet<>(fa.keySet());
        keys.addAll(fb.keySet());
        return keys.stream().filter(k -> !java.util.Objects.equals(fa.get(k), fb.get(k))).toList();
    }

    private static Map<String, Object> flatten(String prefix, Object node) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.putAll(flatten(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue()));
            }
        } else {
            out.put(prefix, node);
        }
        return out;
    }

    @Override
    void run(PrintStream out) throws Exception {
        if (switchDataset && (!resume || dataset == null)) {
            throw usageError("--switch-dataset goes with --resume and --dataset");
        }
        if (iterations != null && iterations <= 0) {
            throw usageError("--iterations must be positive, got " + iterations);
        }
        int iterations = this.iterations == null ? 0 : this.iterations;
        double minutes = this.minutes == null ? 0 : this.minutes;
        if (minutes < 0) {
            throw usageError("--minutes must be positive, got " + minutes);
        }
        Duration limit = minutes > 0 ? Duration.ofMillis((long) (minutes * 60_000)) : null;
        long deadline = limit == null ? 0 : System.nanoTime() + limit.toNanos();
        ProgressPrinter progress = new ProgressPrinter(out, System.console() != null, deadline);
        Trainer trainer;
        if (resume) {
            TrainingRun run = new TrainingRun(runDir);
            DdimConfig config = CheckpointFile.read(run.checkpoint()).config();
            if (this.config != null) {
                List<String> differ = differingKeys(ConfigLoader.loadPathOrPreset(this.config), config);
                if (!differ.isEmpty()) {
                    out.println("note: --resume keeps the checkpoint's config; --config differs in " + differ
                            + ", and those values are not used");
                }
            }
            if (dataset != null && !dataset.equals(config.data().dataset().key())) {
                if (!switchDataset) {
                    throw usageError("--resume continues the run on its dataset, " + config.data().dataset().key() + "; --dataset "
                            + dataset + " would change it (add --switch-dataset to continue on " + dataset + ")");
                }
                config = config.withData(config.data().withDataset(Dataset.of("--dataset", dataset), config.data().root()));
                out.println("note: continuing on " + dataset + " instead of the run's dataset (--switch-dataset)");
            }
            BatchSource data = strict(Datasets.trainingBatches(config.data(), dataRoot, config.training().seed()));
            trainer = Trainer.resume(runDir, data, progress, iterations);
            out.printf("resuming %s at iteration %d%n", runDir, trainer.iteration());
        } else {
            if (this.config == null) {
                throw usageError("--config is required (or --resume)");
            }
            DdimConfig config = ConfigLoader.loadPathOrPreset(this.config);
            if (dataset != null) {
                if (!ImageDatasets.NAMES.contains(dataset)) {
                    throw new IllegalArgumentException("unknown dataset '" + dataset + "'; datasets are " + ImageDatasets.NAMES);
                }
                config = config.withData(config.data().withDataset(Dataset.of("--dataset", dataset), config.data().root()));
            }
            if (iterations > 0) {
                var t = config.training();
                config = config.withTraining(t.withIterations(iterations, t.logFrequency(), t.saveFrequency()));
            }
            BatchSource data = strict(Datasets.trainingBatches(config.data(), dataRoot, config.training().seed()));
            config = Trainer.withDataClasses(config, data);
            out.printf("dataset %s: %d training images; model: %,d parameters%n", config.data().dataset(), data.size(),
                    UNetArchitecture.of(config).trainableCount());
            String repeats = describeRepeats(config.training().classRepeats(), data);
            if (!repeats.isEmpty()) {
                out.println(repeats);
            }
            trainer = Trainer.start(config, data, runDir, progress);
        }
        if (trainer.config().evaluation().kidEvery() > 0) {
            trainer.withQualityProbe(kidProbe(features.open(this), trainer.config(), trainer.config().data().dataset().key(),
                    dataRoot, out));
        }
        double loss = trainer.train(limit);
        out.printf("%nstopped at iteration %d, last loss %.4f; run folder %s (sample with ./ddim sample --weights %s)%n",
                trainer.iteration(), loss, runDir, runDir);
    }

    /**
     * What training.class_repeats makes of an epoch: its length, and the share of it the repeated classes fill, with
     * and without repeats; empty without repeats, or when the images carry no such class (the trainer then refuses
     * the run, naming it).
     */
    static String describeRepeats(Map<String, Integer> repeats, BatchSource data) {
        List<String> names = data.classNames();
        if (repeats.isEmpty() || !names.containsAll(repeats.keySet())) {
            return "";
        }
        List<Integer> counts = data.classCounts();
        long epoch = 0;
        long repeatedImages = 0;
        long repeatedPlaces = 0;
        for (int c = 0; c < names.size(); c++) {
            int r = repeats.getOrDefault(names.get(c), 1);
            epoch += (long) counts.get(c) * r;
            if (repeats.containsKey(names.get(c))) {
                repeatedImages += counts.get(c);
                repeatedPlaces += (long) counts.get(c) * r;
            }
        }
        String which = repeats.size() == 1 ? "class " + repeats.keySet().iterator().next() + " (repeat "
                + repeats.values().iterator().next() + ")" : "the " + repeats.size() + " repeated classes";
        return String.format(java.util.Locale.ROOT, "training.class_repeats: an epoch shows %,d images; %s, %,d images,"
                        + " fill %,d places of it (%.1f %%; %.1f %% without repeats)", epoch, which, repeatedImages,
                repeatedPlaces, 100.0 * repeatedPlaces / epoch, 100.0 * repeatedImages / data.size());
    }

    /** The probe of the KID measured during training, against the dataset's training split. */
    static KidProbe kidProbe(FeatureExtractor features, DdimConfig config,
                                                  String dataset, Path dataRoot, PrintStream out) throws java.io.IOException {
        var reference = DatasetFeatures.reference(features, dataset, dataRoot, Split.TRAIN,
                config.data().height(), FeatureCache.inHome(), 64);
        var e = config.evaluation();
        KidProbe probe = new KidProbe(reference, config.training().seed());
        out.printf("KID of %d samples every %d iterations, %s features, against %s; %s%n", e.kidSamples(), e.kidEvery(),
                features.id(), reference.label(), probe.floorDescription());
        return probe;
    }
}
