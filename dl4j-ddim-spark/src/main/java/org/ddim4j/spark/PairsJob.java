package org.ddim4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ddim4j.edit.ClassifierFile;
import org.ddim4j.edit.PairGeneration;
import org.ddim4j.edit.PairStore;
import org.ddim4j.io.FloatRows;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.Sampler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./ddim spark pairs}: the editing pairs over the executors, one task per shard of pair indices, then
 * assembled on the driver into the pair store {@code ./ddim pairs} writes ({@link PairStore}: {@code boundary}
 * reads it unchanged). Shards go to a work folder on any Hadoop filesystem ({@code pairs-NNNNN.latents.f32} and
 * {@code .scores.f32}, the store's own row layout), committed by rename; a re-run computes only the shards missing.
 * The work folder is deleted once the store is complete.
 */
public final class PairsJob {
    private PairsJob() {
    }

    public record Result(int shardsRun, int shardsSkipped, PairStore store) {
    }

    /**
     * @param classifier the attribute classifier file (its sidecar beside it)
     * @param store      the pair store's folder (on the driver)
     * @param work       the shards' folder (a path or URI every executor can write)
     */
    public static Result run(JavaSparkContext sc, DdimModel model, Path classifier, PairsSpec spec, Path store, String work)
            throws IOException {
        ClassifierFile cls = ClassifierFile.load(classifier);
        var data = model.config().data();
        if (cls.size() != data.height()) {
            throw new IllegalArgumentException("the classifier takes " + cls.size() + " pixel images, the model makes " + data.height());
        }
        ShardCommitter output = new ShardCommitter(work);
        JobDescription.claim(output, "pairs", spec, model);
        List<Shard> shards = Shard.split(spec.count(), spec.shardSize());
        List<Shard> todo = shards.stream().filter(s -> !output.isComplete(marker(s))).toList();
        if (!todo.isEmpty()) {
            ModelBroadcast weights = ModelBroadcast.of(sc, model);
            Broadcast<byte[]> clsZip = sc.broadcast(Files.readAllBytes(classifier));
            String clsSidecar = Files.readString(ClassifierFile.sidecar(classifier));
            int attributes = cls.attributes().size();
            try {
                sc.parallelize(todo, todo.size()).foreach(shard -> ExecutorModels.with(weights, m ->
                        ExecutorPool.with("classifier-" + clsZip.id(),
                                () -> ClassifierFile.fromBytes(clsZip.value(), clsSidecar, "the broadcast classifier"),
                                (ClassifierFile c) -> {
                                    drawShard(m, c, attributes, spec, shard, output);
                                    return null;
                                })));
            } finally {
                weights.destroy();
                clsZip.destroy();
            }
        }
        output.removeAttempts();
        PairStore result = assemble(output, shards, new long[]{data.channels(), data.height(), data.width()},
                cls.attributes(), spec, store);
        output.deleteAll();
        return new Result(todo.size(), shards.size() - todo.size(), result);
    }

    static String marker(Shard s) {
        return s.fileName("pairs", "scores.f32");
    }

    static String latentsName(Shard s) {
        return s.fileName("pairs", "latents.f32");
    }

    private static void drawShard(DdimModel m, ClassifierFile cls, int attributes, PairsSpec spec, Shard shard,
                                  ShardCommitter output) {
        TaskThreads.apply();
        Sampler sampler = m.sampler(spec.sampler(), spec.steps(), spec.spacing(), 0.0, Double.NaN);
        var data = m.config().data();
        INDArray latents = org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT,
                shard.size(), data.channels(), data.height(), data.width());
        INDArray scores = org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, shard.size(), attributes);
        for (long from = shard.from(); from < shard.to(); from += spec.batch()) {
            int n = (int) Math.min(spec.batch(), shard.to() - from);
            PairGeneration.Batch b = PairGeneration.batch(m, sampler, cls.net(), attributes, spec.seed(), from, n);
            long at = from - shard.from();
            latents.get(NDArrayIndex.interval(at, at + n)).assign(b.latents());
            scores.get(NDArrayIndex.interval(at, at + n)).assign(b.scores());
        }
        Path local = null;
        try {
            local = Files.createTempDirectory("ddim4j-pairs-");
            Path z = local.resolve("latents.f32");
            Path s = local.resolve("scores.f32");
            FloatRows.write(latents, z);
            FloatRows.write(scores, s);
            output.commit(List.of(z, s), List.of(latentsName(shard), marker(shard)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LocalFiles.deleteQuietly(local);
        }
    }

    /** The shards, in order, into a pair store on the driver (staged and swapped in by PairStore.Writer). */
    private static PairStore assemble(ShardCommitter output, List<Shard> shards, long[] latentShape, List<String> attributes,
                                      PairsSpec spec, Path store) throws IOException {
        Path local = Files.createTempDirectory("ddim4j-assemble-");
        try (PairStore.Writer w = new PairStore.Writer(store, latentShape, attributes, spec.steps(), spec.seed())) {
            for (Shard s : shards) {
                Path z = local.resolve("z.f32");
                Path sc = local.resolve("s.f32");
                output.copyToLocal(latentsName(s), z);
                output.copyToLocal(marker(s), sc);
                INDArray latents = FloatRows.read(z, latentShape);
                INDArray scores = FloatRows.read(sc, attributes.size());
                if (latents.size(0) != s.size() || scores.size(0) != s.size()) {
                    throw new IOException(output.root() + ": shard " + s.number() + " holds " + latents.size(0) + " latents and "
                            + scores.size(0) + " scores, expected " + s.size());
                }
                w.append(latents, scores);
            }
            return w.finish();
        } finally {
            LocalFiles.deleteQuietly(local);
        }
    }
}
