package org.ddim4j.samples;

import org.ddim4j.config.Dataset;
import org.ddim4j.data.DatasetFeatures;
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
import java.util.Set;

/** {@code ./ddim train}: trains (or resumes) a DDIM on a dataset. */
final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a DDIM (checkpoints, EMA, loss curve, sample grids); --resume continues";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim train --config C.yml --out RUN_DIR [--dataset NAME] [--data-root DIR] [--iterations N]
                                    [--minutes M] [--resume] [--features emoji|emoji=F.zip|inception=PATH]
                  --config     the seed's YAML layout, or a preset name (emoji_demo, celeba, ...)
                  --out        the run folder: checkpoint.ckpt, model.ddim, loss.csv, loss.png, samples/
                  --dataset    overrides data.dataset: celeba, ffhq, church, flowers102, imagenet64, miniplaces, anime,
                               cifar10, emoji (see ./ddim dataset --help)
                  --data-root  folder holding the dataset's files (default: the dataset's own cache folder)
                  --iterations overrides training.num_i
                  --minutes    stop after this much training time (a checkpoint is written)
                  --resume     continue the run in --out from its checkpoint (--config is then not needed)
                  --features   the feature network of the KID measured every evaluation.kid_every iterations (into
                               kid.csv and kid.png; default emoji, the network in the jar); see ./ddim eval --help""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("train", argv, Set.of("resume"),
                Set.of("config", "out", "dataset", "data-root", "iterations", "minutes", "features"), Set.of());
        Path runDir = args.path("out");
        int iterations = args.integer("iterations", 0);
        if (args.has("iterations") && iterations <= 0) {
            throw new UsageException("train: --iterations must be positive, got " + iterations);
        }
        double minutes = args.number("minutes", 0);
        if (minutes < 0) {
            throw new UsageException("train: --minutes must be positive, got " + minutes);
        }
        Duration limit = minutes > 0 ? Duration.ofMillis((long) (minutes * 60_000)) : null;
        Path dataRoot = args.has("data-root") ? args.path("data-root") : null;
        long deadline = limit == null ? 0 : System.nanoTime() + limit.toNanos();
        ProgressPrinter progress = new ProgressPrinter(out, System.console() != null, deadline);
        Trainer trainer;
        if (args.has("resume")) {
            TrainingRun run = new TrainingRun(runDir);
            DdimConfig config = CheckpointFile.read(run.checkpoint()).config();
            BatchSource data = Datasets.trainingBatches(config.data(), dataRoot, config.training().seed());
            trainer = Trainer.resume(runDir, data, progress, iterations);
            out.printf("resuming %s at iteration %d%n", runDir, trainer.iteration());
        } else {
            DdimConfig config = ConfigLoader.loadPathOrPreset(args.required("config"));
            if (args.has("dataset")) {
                config = config.withData(config.data().withDataset(Dataset.of("--dataset", args.required("dataset")), config.data().root()));
            }
            if (iterations > 0) {
                var t = config.training();
                config = config.withTraining(t.withIterations(iterations, t.logFrequency(), t.saveFrequency()));
            }
            BatchSource data = Datasets.trainingBatches(config.data(), dataRoot, config.training().seed());
            out.printf("dataset %s: %d training images; model: %,d parameters%n", config.data().dataset(), data.size(),
                    UNetArchitecture.of(config).trainableCount());
            trainer = Trainer.start(config, data, runDir, progress);
        }
        if (trainer.config().evaluation().kidEvery() > 0) {
            trainer.withQualityProbe(kidProbe(FeatureChoice.open(args), trainer.config(), trainer.config().data().dataset().key(),
                    dataRoot, out));
        }
        double loss = trainer.train(limit);
        out.printf("%nstopped at iteration %d, last loss %.4f; run folder %s (sample with ./ddim sample --weights %s)%n",
                trainer.iteration(), loss, runDir, runDir);
    }

    /** The probe of the KID measured during training, against the dataset's training split. */
    static KidProbe kidProbe(FeatureExtractor features, DdimConfig config,
                                                  String dataset, Path dataRoot, PrintStream out) throws java.io.IOException {
        var reference = DatasetFeatures.reference(features, dataset, dataRoot, Split.TRAIN,
                config.data().height(), FeatureCache.inHome(), 64);
        var e = config.evaluation();
        out.printf("KID of %d samples every %d iterations, %s features, against %s%n", e.kidSamples(), e.kidEvery(),
                features.id(), reference.label());
        return new KidProbe(reference, config.training().seed());
    }
}
