package org.ddim4j.samples;

import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.data.Split;
import org.ddim4j.invert.EncoderTraining;
import org.ddim4j.invert.LatentEncoder;
import org.ddim4j.invert.ReconstructionLoss;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./ddim train-encoder}: trains the learning-based inversion's encoder on the model's own samples. */
@Command(name = "train-encoder",
        description = "train an image-to-latent encoder on noise-image pairs of a model (for invert --method encoder|hybrid)")
final class TrainEncoderCommand extends DdimCommand {
    @Mixin
    ModelOptions model;
    @Mixin
    StepOptions steps;

    @Option(names = "--out", required = true, paramLabel = "ENC.ddim", description = "the encoder file to write")
    Path target;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "1024", description = "noise-image pairs drawn from the model (default ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--latent-steps", paramLabel = "N", defaultValue = "1500", description = "Adam steps on mean (E(x) - z)^2 (default ${DEFAULT-VALUE})")
    int latentSteps;

    @Option(names = "--image-steps", paramLabel = "N", defaultValue = "100",
            description = "Adam steps on the loss of G(E(x)) against x, through the sampler (default ${DEFAULT-VALUE})")
    int imageSteps;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "16", description = "pairs per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.001", description = "Adam's learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--loss", paramLabel = "LOSS", defaultValue = "l2", completionCandidates = Choice.Losses.class,
            description = "the image objective's loss: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    ReconstructionLoss loss;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed of the pairs and the training (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--images", paramLabel = "DATASET",
            description = "run the image objective on a dataset's training split (e.g. emoji) instead of the model's "
                    + "samples: the encoder learns the images it will invert")
    String imagesDataset;

    @Option(names = "--data-root", paramLabel = "DIR", description = "the dataset's folder (default: its cache folder)")
    Path dataRoot;

    @Option(names = "--image-count", paramLabel = "N", defaultValue = "4096",
            description = "how many --images are loaded (default ${DEFAULT-VALUE}, a random subset)")
    int imageCount;

    @Option(names = "--init", paramLabel = "ENC.ddim",
            description = "continue from an encoder trained before (with --latent-steps 0 no pairs are drawn)")
    Path init;

    @Override
    void run(PrintStream out) throws Exception {
        DdimModel model = this.model.load();
        DdimSampler sampler = steps.deterministic(model, this);
        EncoderTraining.Settings settings;
        try {
            settings = new EncoderTraining.Settings(pairs, latentSteps, imageSteps, batch, lr, loss, seed);
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        long start = System.nanoTime();
        long[] lastPrint = {0};
        LatentEncoder initial = init != null ? LatentEncoder.load(init) : null;
        INDArray images = null;
        if (imagesDataset != null) {
            String dataset = imagesDataset;
            int count = imageCount;
            if (count <= 0) {
                throw usageError("--image-count must be positive, got " + count);
            }
            if (!ImageDatasets.NAMES.contains(dataset)) {
                throw usageError("unknown dataset '" + dataset + "' in --images; datasets are " + ImageDatasets.NAMES);
            }
            ImageSplit split = ImageDatasets.open(dataset, dataRoot, Split.TRAIN);
            // a random subset of `count` images: the first batch of a shuffled epoch, prepared as for training
            images = ImageDatasets.batches(split, model.config().data().shape().get(1), settings.seed())
                    .batch(0, Math.min(count, split.size())).addi(1).divi(2);
            out.printf(Locale.ROOT, "image objective on %,d training images of %s%n", images.size(0), dataset);
        }
        EncoderTraining.Listener listener = (objective, step, value) -> {
            long now = System.nanoTime();
            int total = switch (objective) {
                case "pairs" -> settings.pairs();
                case "latent" -> settings.latentSteps();
                default -> settings.imageSteps();
            };
            if (now - lastPrint[0] > 10_000_000_000L || step == total) {
                lastPrint[0] = now;
                out.printf(Locale.ROOT, "%s %d/%d%s  (%s)%n", objective, step, total,
                        Double.isNaN(value) ? "" : String.format(Locale.ROOT, "  loss %.5f", value),
                        ProgressPrinter.clock((now - start) / 1e9));
            }
        };
        EncoderTraining.Pairs pairs = settings.latentSteps() == 0 && images != null ? null
                : EncoderTraining.pairs(model.config(), model.noisePredictor(), sampler, settings.pairs(),
                Math.max(settings.batchSize(), 16), settings.seed(), listener);
        INDArray imageSet = images;
        LatentEncoder encoder = EncoderTraining.train(model.config(), model.noisePredictor(), sampler, pairs, imageSet, initial,
                settings, listener);
        encoder.save(target);
        out.printf(Locale.ROOT, "wrote the encoder (%,d parameters, for %d-step sampling) to %s in %s%n",
                encoder.network().parameters().trainableCount(), sampler.numSteps(), target,
                ProgressPrinter.clock((System.nanoTime() - start) / 1e9));
    }
}
