package org.ddim4j.samples;

import org.ddim4j.edit.Boundary;
import org.ddim4j.edit.BoundaryFitting;
import org.ddim4j.edit.LatentPooling;
import org.ddim4j.edit.PairStore;
import org.ddim4j.image.Images;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./ddim boundary}: an attribute's direction in the latent space, from noise-score pairs. */
@Command(name = "boundary",
        description = "fit attribute boundaries in the latent space (logistic as the seed, or InterFaceGAN's linear SVM)",
        footer = {"Writes DIR/NAME.npz (unit normal, offset) and DIR/NAME.json (accuracies) per attribute, DIR/directions.png",
                "(each normal drawn as an image) and prints one JSON line per attribute."})
final class BoundaryCommand extends DdimCommand {
    @Option(names = "--pairs", required = true, paramLabel = "PAIRS_DIR", description = "the pair store (./ddim pairs)")
    Path pairs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the output folder")
    Path dir;

    @Option(names = "--attribute", arity = "1..*", paramLabel = "NAME", description = "attributes to fit (default: all the classifier's)")
    List<String> attributes;

    @Option(names = "--method", paramLabel = "svm|logistic", defaultValue = "svm",
            description = "svm (default): InterFaceGAN's linear SVM on the top and bottom --fraction of the scores, 70/30 "
                    + "split; logistic: the seed's logistic regression on all pairs")
    String method;

    @Option(names = "--fraction", paramLabel = "F", defaultValue = "0.02", description = "svm: the share of pairs at each end (default ${DEFAULT-VALUE})")
    double fraction;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "20", description = "logistic: epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.05", description = "logistic: learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--pool", paramLabel = "K", defaultValue = "1",
            description = "fit on the latents' K x K block sums (their low frequencies, which set the image's layout), "
                    + "then lift the normal to the full latent; for fewer pairs than latent dimensions (default ${DEFAULT-VALUE})")
    int pool;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed of the split and the fit (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    void run(PrintStream out) throws Exception {
        if (!method.equals("svm") && !method.equals("logistic")) {
            throw usageError("--method must be svm or logistic, got " + method);
        }
        PairStore store = PairStore.open(pairs);
        List<String> names = store.meta().attributes();
        List<String> wanted = attributes != null ? attributes : names;
        for (String w : wanted) {
            if (!names.contains(w)) {
                throw usageError("unknown attribute '" + w + "'; the pairs have " + names);
            }
        }
        long[] shape = store.meta().latentShape();
        long[] fitShape;
        try {
            fitShape = LatentPooling.pooledShape(shape, pool);
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        Files.createDirectories(dir);
        INDArray latents = LatentPooling.pool(store.latents(0, store.meta().count())
                .reshape(store.meta().count(), shape[0], shape[1], shape[2]), pool);     // pool 1: the latents as rows
        INDArray scores = store.scores();
        List<INDArray> pictures = new ArrayList<>();
        for (String attribute : wanted) {
            INDArray s = scores.getColumn(names.indexOf(attribute)).dup();
            Boundary fitted = method.equals("svm")
                    ? BoundaryFitting.svm(attribute, latents, s, fitShape, fraction, seed)
                    : BoundaryFitting.logistic(attribute, latents, s, fitShape, epochs, lr, seed);
            Boundary b = LatentPooling.lift(fitted, pool, shape);
            b.save(dir.resolve(fileName(attribute) + ".npz"));
            pictures.add(b.asImage());
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("attribute", attribute);
            line.put("method", b.method());
            line.put("held_out_accuracy", round(b.heldOutAccuracy()));
            line.put("rest_accuracy", Double.isNaN(b.restAccuracy()) ? null : round(b.restAccuracy()));
            line.put("positive_fraction", round(s.gt(0.5).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).meanNumber().doubleValue()));
            out.println(new com.google.gson.GsonBuilder().serializeNulls().create().toJson(line));
        }
        INDArray grid = org.nd4j.linalg.factory.Nd4j.stack(0, pictures.toArray(new INDArray[0]));
        Images.writePng(Images.grid(grid, Math.min(10, pictures.size())), dir.resolve("directions.png"));
    }

    static String fileName(String attribute) {
        return attribute.replaceAll("[^A-Za-z0-9_.-]+", "_");
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
