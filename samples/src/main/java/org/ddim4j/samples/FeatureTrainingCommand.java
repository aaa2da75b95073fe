package org.ddim4j.samples;

import com.google.gson.GsonBuilder;
import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.data.Split;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.io.Sha256;
import org.ddim4j.metrics.EmojiFeatureNetwork;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./ddim eval train-features}: trains the emoji feature network on every emoji of the training split,
 * labelled by subcategory, and writes it with a sidecar of its training record. The network in the jar was made
 * by this command (docs/emoji-features.md).
 */
final class FeatureTrainingCommand {
    static final String USAGE = """
            usage: ./ddim eval train-features --out F.zip [--data-root DIR] [--epochs 10] [--batch 64] [--seed 0]
              trains the emoji feature network (residual network, 64 features) on the emoji set's training split,
              every category, labelled by its 99 subcategories, with flips and shifts of up to 2 pixels;
              writes F.zip (DL4J model) and F.json (held-out accuracy, classes, SHA-256, training record).""";

    private FeatureTrainingCommand() {
    }

    static void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("eval train-features", argv, Set.of(), Set.of("out", "data-root", "epochs", "batch", "seed"), Set.of());
        Path target = args.path("out");
        int epochs = args.integer("epochs", 10);
        int batch = args.integer("batch", 64);
        long seed = args.longValue("seed", 0);
        if (epochs < 1 || batch < 1) {
            throw new UsageException("eval train-features: --epochs and --batch must be positive");
        }
        Path root = args.has("data-root") ? args.path("data-root") : null;
        ImageSplit train = ImageDatasets.open("emoji-subcategories", root, Split.TRAIN);
        ImageSplit held = ImageDatasets.open("emoji-subcategories", root, Split.VALID);
        int size = EmojiFeatureNetwork.SIZE;
        INDArray trainImages = ImageDatasets.tensors(train, size, 0, train.size());
        INDArray heldImages = ImageDatasets.tensors(held, size, 0, held.size());
        int[] trainLabels = labels(train);
        int[] heldLabels = labels(held);
        int classes = train.numClasses();
        int iterations = epochs * (train.size() / batch);
        ComputationGraph net = EmojiFeatureNetwork.build(classes, seed, iterations);
        out.printf(Locale.ROOT, "emoji feature network: %,d parameters; %d training images, %d held out, %d classes; %d epochs%n",
                net.numParams(), train.size(), held.size(), classes, epochs);
        long start = System.nanoTime();
        EmojiFeatureNetwork.train(net, trainImages, trainLabels, classes, epochs, batch, seed, e -> {
            if (e % 5 == 0 || e == epochs) {
                out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  held-out accuracy %.3f  (%s)%n", e, epochs, net.score(),
                        EmojiFeatureNetwork.accuracy(net, heldImages, heldLabels),
                        ProgressPrinter.clock((System.nanoTime() - start) / 1e9));
            }
        });
        double trainAccuracy = EmojiFeatureNetwork.accuracy(net, trainImages, trainLabels);
        double heldAccuracy = EmojiFeatureNetwork.accuracy(net, heldImages, heldLabels);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, false);
        AtomicFiles.writeBytes(target, bytes.toByteArray());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("network", "CifarResNet widths [16, 32, 64], 2 blocks per stage, 32x32, features = pool (64)");
        meta.put("dataset", "emoji-subcategories (train split)");
        meta.put("classes", train.classNames());
        meta.put("epochs", epochs);
        meta.put("batch", batch);
        meta.put("seed", seed);
        meta.put("train_accuracy", trainAccuracy);
        meta.put("held_out_accuracy", heldAccuracy);
        meta.put("seconds", Math.round((System.nanoTime() - start) / 1e9));
        meta.put("sha256", Sha256.hex(bytes.toByteArray()));
        Path side = target.resolveSibling(target.getFileName().toString().replaceAll("\\.zip$", "") + ".json");
        AtomicFiles.writeString(side, new GsonBuilder().setPrettyPrinting().create().toJson(meta));
        out.printf(Locale.ROOT, "train accuracy %.3f, held-out accuracy %.3f; wrote %s (%,d bytes) and %s%n", trainAccuracy,
                heldAccuracy, target, bytes.size(), side);
    }

    private static int[] labels(ImageSplit split) {
        int[] labels = new int[split.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = split.label(i);
        }
        return labels;
    }
}
