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
import java.util.Set;

/** {@code ./ddim train-encoder}: trains the learning-based inversion's encoder on the model's own samples. */
final class TrainEncoderCommand implements Command {
    @Override
    public String name() {
        return "train-encoder";
    }

    @Override
    public String summary() {
        return "train an image-to-latent encoder on noise-image pairs of a model (for invert --method encoder|hybrid)";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim train-encoder --weights RUN --out ENC.ddim [--steps S] [--skip SPACING] [--pairs N]
                                            [--latent-steps N] [--image-steps N] [--batch B] [--lr LR] [--loss l2|l1|psnr|ssim]
                                            [--images DATASET [--data-root DIR] [--image-count N]] [--init ENC.ddim]
                                            [--seed N] [--config C.yml]
                  --steps         the sampler the encoder inverts (default: the config's diffusion.num_t_steps)
                  --pairs         noise-image pairs drawn from the model (default 1024)
                  --latent-steps  Adam steps on mean (E(x) - z)^2 (default 1500)
                  --image-steps   Adam steps on the loss of G(E(x)) against x, through the sampler (default 100)
                  --batch         pairs per step (default 16); --lr (default 0.001); --loss of the image objective (l2)
                  --images        run the image objective on a dataset's training split (e.g. emoji) instead of the
                                  model's samples: the encoder learns the images it will invert; --image-count
                                  caps how many are loaded (default 4096, a random subset)
                  --init          continue from an encoder trained before (with --latent-steps 0 no pairs are drawn)""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("train-encoder", argv, Set.of(), Set.of("weights", "config", "out", "steps", "skip",
                "pairs", "latent-steps", "image-steps", "batch", "lr", "loss", "seed", "images", "data-root", "image-count",
                "init"), Set.of());
        Path target = args.path("out");
        DdimModel model = Launch.model(args);
        DdimSampler sampler = Launch.sampler(args, model);
        var loss = Launch.parse("train-encoder", () -> ReconstructionLoss.fromName(args.string("loss", "l2")));
        var settings = Launch.parse("train-encoder", () -> new EncoderTraining.Settings(args.integer("pairs", 1024),
                args.integer("latent-steps", 1500), args.integer("image-steps", 100), args.integer("batch", 16),
                args.number("lr", 1e-3), loss, args.longValue("seed", 0L)));
        long start = System.nanoTime();
        long[] lastPrint = {0};
        LatentEncoder initial = args.has("init") ? Launch.parse("train-encoder", () -> LatentEncoder.load(args.path("init"))) : null;
        INDArray images = null;
        if (args.has("images")) {
            String dataset = args.string("images", null);
            int count = args.integer("image-count", 4096);
            if (count <= 0) {
                throw new UsageException("train-encoder: --image-count must be positive, got " + count);
            }
            ImageSplit split = Launch.parse("train-encoder", () -> ImageDatasets.open(dataset,
                    args.has("data-root") ? args.path("data-root") : null, Split.TRAIN));
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
                : EncoderTraining.pairs(model.config(), model.network(), sampler, settings.pairs(),
                Math.max(settings.batchSize(), 16), settings.seed(), listener);
        INDArray imageSet = images;
        LatentEncoder encoder = Launch.parse("train-encoder", () -> EncoderTraining.train(model.config(), model.network(),
                sampler, pairs, imageSet, initial, settings, listener));
        encoder.save(target);
        out.printf(Locale.ROOT, "wrote the encoder (%,d parameters, for %d-step sampling) to %s in %s%n",
                encoder.network().parameters().trainableCount(), sampler.numSteps(), target,
                ProgressPrinter.clock((System.nanoTime() - start) / 1e9));
    }
}
