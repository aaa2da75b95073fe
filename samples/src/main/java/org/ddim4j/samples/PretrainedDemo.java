package org.ddim4j.samples;

import org.ddim4j.invert.ReconstructionLoss;
import org.ddim4j.random.Seeds;
import org.ddim4j.data.Split;
import org.ddim4j.data.emoji.EmojiDataset;
import org.ddim4j.image.Images;
import org.ddim4j.image.TrajectoryGif;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.SampleResult;
import org.ddim4j.zoo.DdimZooModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./ddim demo --pretrained}: samples from the emoji weights that ship with ddim4j, without training
 * and without the network. The evidence that the samples are emoji and not copies: each sample beside its
 * nearest training image (when the emoji set is on disk).
 */
final class PretrainedDemo {
    static final int SAMPLES = 48;
    static final long NOISE_SEED = 2026;

    private PretrainedDemo() {
    }

    static void run(Path outDir, Path dataRoot, PrintStream out) throws Exception {
        long start = System.nanoTime();
        DdimZooModel zoo = DdimZooModel.of("emoji");
        DdimModel model = zoo.initPretrainedModel();
        out.printf(Locale.ROOT, "pretrained emoji model: %,d parameters, weights verified in %s%n",
                model.network().parameters().trainableCount(),
                org.deeplearning4j.common.resources.DL4JResources.getDirectory(
                        org.deeplearning4j.common.resources.ResourceType.ZOO_MODEL, zoo.modelName()));
        var data = model.config().data();
        INDArray noise = Seeds.gaussian(NOISE_SEED, SAMPLES, data.channels(), data.height(), data.width());
        long t0 = System.nanoTime();
        SampleResult result = model.sampler().run(model.generatingPredictor(SAMPLES, NOISE_SEED + 1), noise, null, true);
        double sampling = (System.nanoTime() - t0) / 1e9;
        Files.createDirectories(outDir);
        Images.writePng(Images.grid(result.sample(), 8), outDir.resolve("samples.png"));
        TrajectoryGif.write(result.xs(), result.x0Predictions(), result.sample(), 9, outDir.resolve("trajectory.gif"));
        String nearest = "";
        if (Files.isRegularFile(dataRoot.resolve("emoji.json"))) {
            nearestTrainingImages(result.sample(), dataRoot, data.height(), outDir.resolve("nearest.png"));
            nearest = "<h2>Nearest training images</h2><p>Each sample (left of a pair) beside the training image closest"
                    + " to it in pixel space (right): similar in kind, not copies.</p><img src=\"nearest.png\" alt=\"nearest\">";
        }
        AtomicFiles.writeString(outDir.resolve("index.html"), """
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>ddim4j pretrained emoji</title>
                <style>body{font-family:sans-serif;max-width:960px;margin:2em auto}img{image-rendering:pixelated;
                border:1px solid #ccc;margin:4px}</style></head><body><h1>ddim4j: the pretrained emoji DDIM</h1>
                <p>%d samples from fixed noise, %d DDIM steps, the weights that ship with ddim4j.</p>
                <img src="samples.png" width="544" alt="samples"><h2>Denoising</h2><img src="trajectory.gif" alt="trajectory">
                %s</body></html>
                """.formatted(SAMPLES, model.sampler().numSteps(), nearest));
        out.printf(Locale.ROOT, "%d samples in %.1f s (%d steps); %s in all%n", SAMPLES, sampling, model.sampler().numSteps(),
                ProgressPrinter.clock((System.nanoTime() - start) / 1e9));
        out.println("  samples:        " + outDir.resolve("samples.png"));
        out.println("  denoising GIF:  " + outDir.resolve("trajectory.gif"));
        if (!nearest.isEmpty()) {
            out.println("  nearest:        " + outDir.resolve("nearest.png"));
        }
        out.println("  page:           " + outDir.resolve("index.html").toAbsolutePath());
    }

    /** A grid of (sample, nearest training image by squared pixel distance) pairs, 4 pairs per row. */
    static void nearestTrainingImages(INDArray samples, Path dataRoot, int size, Path file) throws Exception {
        EmojiDataset ds = EmojiDataset.open(dataRoot, false);
        List<EmojiDataset.Entry> train = ds.entries(Split.TRAIN).stream()
                .filter(e -> e.categoryName().equals(DemoCommand.DEFAULT_CATEGORY)).toList();
        INDArray images = ds.tensors(train, size);
        long n = samples.size(0);
        INDArray flatSamples = ReconstructionLoss.toImage(samples).mul(2).subi(1).reshape(n, -1);
        INDArray flatTrain = images.reshape(images.size(0), -1);
        // |s - t|^2 = |s|^2 - 2 s.t + |t|^2, minimised over t
        INDArray dots = flatSamples.mmul(flatTrain.transpose());
        INDArray trainNorms = flatTrain.mul(flatTrain).sum(1);
        INDArray dist = dots.muli(-2).addiRowVector(trainNorms);
        INDArray pairs = Nd4j.create(DataType.FLOAT, 2 * n, 3, size, size);
        for (int i = 0; i < n; i++) {
            int j = dist.getRow(i).neg().argMax().getInt(0);            // the nearest: argmin of the distance
            pairs.putSlice(2 * i, samples.slice(i));
            pairs.putSlice(2 * i + 1, images.slice(j));
        }
        Images.writePng(Images.grid(pairs, 8), file);
    }
}
