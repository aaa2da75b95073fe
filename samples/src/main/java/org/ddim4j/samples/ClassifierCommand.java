package org.ddim4j.samples;

import com.google.gson.GsonBuilder;
import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.data.MultiLabelIterator;
import org.ddim4j.data.Split;
import org.ddim4j.data.StreamingImageRecordReader;
import org.ddim4j.edit.AttributeClassifier;
import org.ddim4j.edit.ClassifierFile;
import org.ddim4j.io.AtomicFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./ddim classifier train}: the attribute classifier that scores noise-image pairs. */
@Command(name = "classifier",
        description = "train the attribute classifier (ResNet-20) on a labelled dataset, for pairs, boundaries and edits",
        subcommands = ClassifierCommand.Train.class)
final class ClassifierCommand extends DdimCommand {
    @Override
    void run(PrintStream out) {
        throw usageError("give train first (./ddim classifier train --help)");
    }

    /** {@code ./ddim classifier train}. */
    @Command(name = "train", description = "train the attribute classifier on a dataset's training split",
            footer = {"A dataset with attributes (celeba: 40) or classes (learned one-vs-rest: emoji's 10 categories, ...).",
                    "Writes CLS.zip (DL4J model) and CLS.json (attribute names, image size, held-out accuracy per attribute)."})
    static final class Train extends DdimCommand {
        @Option(names = "--dataset", required = true, paramLabel = "NAME", completionCandidates = TrainCommand.DatasetNames.class,
                description = "a dataset with attributes or classes: ${COMPLETION-CANDIDATES}")
        String name;

        @Option(names = "--root", paramLabel = "DIR", description = "the dataset's folder (default: its cache folder)")
        Path root;

        @Option(names = "--out", required = true, paramLabel = "CLS.zip", description = "the classifier to write")
        Path target;

        @Option(names = "--size", paramLabel = "PIXELS", defaultValue = "32", description = "image size (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--epochs", paramLabel = "N", defaultValue = "15", description = "epochs (default ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--batch", paramLabel = "B", defaultValue = "64", description = "batch size (default ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.1", description = "learning rate (default ${DEFAULT-VALUE})")
        double lr;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--threads", paramLabel = "N", description = "decoding threads (default: the cores)")
        Integer threadCount;

        @Override
        void run(PrintStream out) throws Exception {
            int threads = threadCount == null ? Runtime.getRuntime().availableProcessors() : threadCount;
            if (epochs <= 0 || batch <= 0 || threads <= 0) {
                throw usageError("--epochs, --batch and --threads must be positive");
            }
            train(name, root, target, size, epochs, batch, lr, seed, threads, out);
        }
    }

    private static void train(String name, Path root, Path target, int size, int epochs, int batch, double lr, long seed,
                              int threads, PrintStream out) throws Exception {
        ImageSplit train = ImageDatasets.open(name, root, Split.TRAIN);
        ImageSplit held;
        try {
            held = ImageDatasets.open(name, root, Split.VALID);
        } catch (IllegalArgumentException e) {
            held = ImageDatasets.open(name, root, Split.TEST);
        }
        MultiLabelIterator it = new MultiLabelIterator(new StreamingImageRecordReader(train, size, 0.5, seed, false, threads), batch);
        int iterations = epochs * (int) Math.ceil(train.size() / (double) batch);
        ComputationGraph net = AttributeClassifier.build(size, it.totalOutcomes(), seed, iterations, lr);
        out.printf(Locale.ROOT, "%s: %d training images, %d held out, %d attributes; %d epochs%n", name, train.size(),
                held.size(), it.totalOutcomes(), epochs);
        long start = System.nanoTime();
        for (int e = 1; e <= epochs; e++) {
            AttributeClassifier.train(net, it, 1);
            out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  (%s)%n", e, epochs, net.score(),
                    ProgressPrinter.clock((System.nanoTime() - start) / 1e9));
        }
        double[] accuracy = heldOutAccuracy(net, new MultiLabelIterator(
                new StreamingImageRecordReader(held, size, 0.0, seed, false, threads), batch));
        // the model through AtomicFiles (flushed to disk, renamed, the folder flushed), then its sidecar the same way
        AtomicFiles.write(target, stream -> ModelSerializer.writeModel(net, new java.io.FilterOutputStream(stream) {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                out.write(b, off, len);                                    // (FilterOutputStream writes byte by byte)
            }

            @Override
            public void close() throws java.io.IOException {
                flush();                                                   // AtomicFiles closes and syncs the file
            }
        }, false));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("dataset", name);
        meta.put("size", size);
        List<String> names = attributeNames(train);
        meta.put("attributes", names);
        meta.put("held_out_accuracy", accuracy);
        AtomicFiles.writeString(sidecar(target), new GsonBuilder().setPrettyPrinting().create().toJson(meta));
        double mean = java.util.Arrays.stream(accuracy).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "held-out accuracy: mean %.3f (per attribute in %s); wrote %s%n", mean, sidecar(target), target);
    }

    static List<String> attributeNames(ImageSplit split) {
        if (!split.attributeNames().isEmpty()) {
            return split.attributeNames();
        }
        if (!split.classNames().isEmpty()) {
            return split.classNames();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < split.numClasses(); i++) {
            out.add("class_" + i);
        }
        return out;
    }

    private static double[] heldOutAccuracy(ComputationGraph net, MultiLabelIterator it) {
        double[] correct = new double[it.totalOutcomes()];
        long n = 0;
        while (it.hasNext()) {
            DataSet ds = it.next();
            INDArray p = AttributeClassifier.scores(net, ds.getFeatures()).gt(0.5).castTo(DataType.FLOAT);
            INDArray ok = p.eq(ds.getLabels()).castTo(DataType.FLOAT).sum(0);
            for (int a = 0; a < correct.length; a++) {
                correct[a] += ok.getDouble(a);
            }
            n += ds.numExamples();
        }
        for (int a = 0; a < correct.length; a++) {
            correct[a] = Math.round(correct[a] / Math.max(1, n) * 10000) / 10000.0;
        }
        return correct;
    }

    static Path sidecar(Path classifier) {
        return ClassifierFile.sidecar(classifier);
    }
}
