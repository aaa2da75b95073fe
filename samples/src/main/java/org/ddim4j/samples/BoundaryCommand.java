package org.ddim4j.samples;

import com.google.gson.Gson;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code ./ddim boundary}: an attribute's direction in the latent space, from noise-score pairs. */
final class BoundaryCommand implements Command {
    @Override
    public String name() {
        return "boundary";
    }

    @Override
    public String summary() {
        return "fit attribute boundaries in the latent space (logistic as the seed, or InterFaceGAN's linear SVM)";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim boundary --pairs PAIRS_DIR --out DIR [--attribute NAME ...] [--method svm|logistic]
                                       [--fraction 0.02] [--epochs 20] [--lr 0.05] [--pool 1] [--seed 0]
                  --attribute  attributes to fit (default: all the classifier's)
                  --method     svm (default): InterFaceGAN's linear SVM on the top and bottom --fraction of the scores,
                               70/30 split; logistic: the seed's logistic regression on all pairs
                  --pool       fit on the latents' K x K block sums (their low frequencies, which set the image's layout),
                               then lift the normal to the full latent; for fewer pairs than latent dimensions (default 1)
                Writes DIR/NAME.npz (unit normal, offset) and DIR/NAME.json (accuracies) per attribute, DIR/directions.png
                (each normal drawn as an image) and prints one JSON line per attribute.""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("boundary", argv, Set.of(), Set.of("pairs", "out", "method", "fraction", "epochs", "lr", "pool",
                "seed"),
                Set.of("attribute"));
        PairStore store = PairStore.open(args.path("pairs"));
        String method = args.string("method", "svm");
        if (!method.equals("svm") && !method.equals("logistic")) {
            throw new UsageException("boundary: --method must be svm or logistic, got " + method);
        }
        List<String> names = store.meta().attributes();
        List<String> wanted = args.has("attribute") ? args.list("attribute") : names;
        for (String w : wanted) {
            if (!names.contains(w)) {
                throw new UsageException("boundary: unknown attribute '" + w + "'; the pairs have " + names);
            }
        }
        Path dir = args.path("out");
        Files.createDirectories(dir);
        int pool = args.integer("pool", 1);
        long[] shape = store.meta().latentShape();
        long[] fitShape = Launch.parse("boundary", () -> LatentPooling.pooledShape(shape, pool));
        INDArray latents = LatentPooling.pool(store.latents(0, store.meta().count())
                .reshape(store.meta().count(), shape[0], shape[1], shape[2]), pool);     // pool 1: the latents as rows
        INDArray scores = store.scores();
        List<INDArray> pictures = new ArrayList<>();
        for (String attribute : wanted) {
            INDArray s = scores.getColumn(names.indexOf(attribute)).dup();
            long seed = args.longValue("seed", 0);
            Boundary fitted = method.equals("svm")
                    ? BoundaryFitting.svm(attribute, latents, s, fitShape, args.number("fraction", 0.02), seed)
                    : BoundaryFitting.logistic(attribute, latents, s, fitShape, args.integer("epochs", 20),
                    args.number("lr", 0.05), seed);
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
