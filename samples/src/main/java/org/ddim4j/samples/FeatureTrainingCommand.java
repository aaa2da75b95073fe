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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ddim eval train-features}: trains the emoji feature network on every emoji of the training split,
 * labelled by subcategory, and writes it with a sidecar of its training record. The network in the jar was made
 * by this command (docs/emoji-features.md).
 */
@Command(name = "train-features",
        description = "train the emoji feature network (residual network, 64 features) on the emoji set's training split, "
                + "every category, labelled by its 99 subcategories, with flips and shifts of up to 2 pixels",
        footer = "Writes F.zip (DL4J model) and F.json (held-out accuracy, classes, SHA-256, training record).")
final class FeatureTrainingCommand extends DdimCommand {
    @Option(names = "--out", required = true, paramLabel = "F.zip", description = "the network to write (and F.json beside it)")
    Path target;

    @Option(names = "--data-root", paramLabel = "DIR", description = "where the emoji set is kept (default: its cache folder)")
    Path root;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "epochs (default ${DEFAULT-VALUE}, the shipped network's)")
    int epochs;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    void run(PrintStream out) throws Exception {
        if (epochs < 1 || batch < 1) {
            throw usageError("--epochs and --batch must be positive");
        }
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
