package org.ddim4j.spark;

import com.google.gson.GsonBuilder;
import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.io.Npz;
import org.ddim4j.metrics.FeatureExtractor;
import org.ddim4j.metrics.FeatureExtractors;
import org.ddim4j.metrics.KernelInceptionDistance;
import org.ddim4j.metrics.QualityMetrics;
import org.ddim4j.metrics.QualityReport;
import org.ddim4j.metrics.ReferenceFeatures;
import org.ddim4j.model.ClassPrior;
import org.ddim4j.model.DdimModel;
import org.ddim4j.random.Seeds;
import org.ddim4j.sampler.Sampler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./ddim spark eval}: FID, KID, precision/recall and memorisation at scale. The features of the generated
 * samples ({@code generated-NNNNN.npz}) and of the split's images ({@code reference-NNNNN.npz}) are computed by tasks,
 * one per shard, committed by rename; the driver reads them back and computes every figure of {@code ./ddim eval}
 * ({@link QualityMetrics}), with the floor of random halves of the reference, into {@code metrics.json}. A re-run
 * computes only the shards missing.
 */
public final class EvalJob {
    /** Feature batches (the network's own batch; any size gives the same features to rounding). */
    private static final int FEATURE_BATCH = 64;

    private EvalJob() {
    }

    public record Result(int shardsRun, int shardsSkipped, QualityReport report, KernelInceptionDistance.Result halvesFloor) {
    }

    /** A task: a shard of samples to draw, or of reference images. */
    record Work(boolean generated, Shard shard) implements Serializable {
        String file() {
            return shard.fileName(generated ? "generated" : "reference", "npz");
        }
    }

    public static Result run(JavaSparkContext sc, DdimModel model, EvalSpec spec, String out) throws IOException {
        int referenceCount;
        try (ImageSplit split = openSplit(spec)) {
            referenceCount = split.size();
        }
        if (referenceCount < 2) {
            throw new IllegalArgumentException(spec.dataset() + " " + spec.split() + ": at least 2 images are needed, the split holds " + referenceCount);
        }
        model.classPrior(spec.classes()); // an unknown class, or classes of an unconditional model: refused here, once
        ShardCommitter output = new ShardCommitter(out);
        JobDescription.claim(output, "eval", spec, model);
        List<Work> all = new ArrayList<>();
        Shard.split(spec.count(), spec.shardSize()).forEach(s -> all.add(new Work(true, s)));
        Shard.split(referenceCount, spec.shardSize()).forEach(s -> all.add(new Work(false, s)));
        List<Work> todo = all.stream().filter(w -> !output.isComplete(w.file())).toList();
        if (!todo.isEmpty()) {
            ModelBroadcast weights = ModelBroadcast.of(sc, model);
            try {
                sc.parallelize(todo, todo.size()).foreach(w -> ExecutorModels.with(weights, m ->
                        ExecutorPool.with("features-" + spec.features() + "-" + spec.inceptionUnchecked(), () -> openFeatures(spec),
                                (FeatureExtractor f) -> {
                                    compute(m, f, spec, w, output);
                                    return null;
                                })));
            } finally {
                weights.destroy();
            }
        }
        INDArray generated = gather(output, all, true);
        INDArray reference = gather(output, all, false);
        FeatureExtractor driverFeatures = openFeatures(spec);
        QualityReport report = QualityMetrics.compute(generated, reference, spec.split() == org.ddim4j.data.Split.TRAIN ? reference : null,
                driverFeatures.id(), driverFeatures.comparable(), spec.seed());
        KernelInceptionDistance.Result halves = new ReferenceFeatures(driverFeatures, reference, reference, null, spec.dataset())
                .halvesFloor(spec.seed());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", spec.dataset());
        json.put("split", spec.split().name().toLowerCase());
        json.put("count", spec.count());
        json.put("sampler", spec.sampler().key());
        json.put("steps", spec.steps());
        json.put("seed", spec.seed());
        if (model.conditional()) {
            json.put("guidance", model.config().diffusion().guidance());
            json.put("classes", spec.classes().isEmpty() ? model.classes().names() : spec.classes());
        }
        json.put("samples", report.toMap());
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("kid_mean", halves.mean());
        h.put("kid_std", halves.std());
        h.put("splits", halves.subsets());
        h.put("half_size", halves.subsetSize());
        json.put("floor_reference_halves", h);
        output.commitText("metrics.json", new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues()
                .setPrettyPrinting().create().toJson(json));
        output.removeAttempts();
        return new Result(todo.size(), all.size() - todo.size(), report, halves);
    }

    private static ImageSplit openSplit(EvalSpec spec) {
        return ImageDatasets.open(spec.dataset(), spec.root() == null ? null : Path.of(spec.root()), spec.split());
    }

    private static FeatureExtractor openFeatures(EvalSpec spec) {
        try {
            return FeatureExtractors.open(spec.features(), spec.inceptionUnchecked());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void compute(DdimModel m, FeatureExtractor features, EvalSpec spec, Work w, ShardCommitter output) {
        TaskThreads.apply();
        Shard s = w.shard();
        INDArray f = Nd4j.create(DataType.FLOAT, s.size(), features.dimension());
        try {
            if (w.generated()) {
                var data = m.config().data();
                Sampler sampler = m.sampler(spec.sampler(), spec.steps(), spec.spacing(), 0.0, Double.NaN);
                for (long from = s.from(); from < s.to(); from += spec.batch()) {
                    int n = (int) Math.min(spec.batch(), s.to() - from);
                    long b = from / spec.batch();
                    INDArray z = Seeds.gaussian(Seeds.mix(spec.seed(), b), n, data.channels(), data.height(), data.width());
                    ClassPrior prior = m.classPrior(spec.classes());
                    var predictor = prior == null ? m.noisePredictor()
                            : m.generatingPredictor(prior, n, Seeds.mix(spec.seed(), -1_000_000 - b));
                    INDArray x = sampler.sample(predictor, z, Nd4j.getRandomFactory().getNewRandomInstance(Seeds.mix(spec.seed(), -1 - b)));
                    INDArray shown = Transforms.min(Transforms.max(x, -1.0, false), 1.0, false);
                    f.get(NDArrayIndex.interval(from - s.from(), from - s.from() + n), NDArrayIndex.all())
                            .assign(features.featuresInBatches(shown, FEATURE_BATCH));
                }
            } else {
                try (ImageSplit split = openSplit(spec)) {
                    INDArray images = ImageDatasets.tensors(split, m.config().data().height(), (int) s.from(), s.size());
                    f.assign(features.featuresInBatches(images, FEATURE_BATCH));
                }
            }
            Path local = Files.createTempFile("ddim4j-features-", ".npz");
            try {
                Npz.write(local, Map.of("features", f));
                output.commit(List.of(local), List.of(w.file()));
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static INDArray gather(ShardCommitter output, List<Work> all, boolean generated) throws IOException {
        List<INDArray> parts = new ArrayList<>();
        Path local = Files.createTempFile("ddim4j-features-", ".npz");
        try {
            for (Work w : all) {
                if (w.generated() == generated) {
                    output.copyToLocal(w.file(), local);
                    parts.add(Npz.readArray(local, "features"));
                }
            }
        } finally {
            Files.deleteIfExists(local);
        }
        return Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }
}
