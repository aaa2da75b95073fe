package org.ddim4j.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.image.Images;
import org.ddim4j.io.Npz;
import org.ddim4j.model.ClassPrior;
import org.ddim4j.model.DdimModel;
import org.ddim4j.random.Seeds;
import org.ddim4j.sampler.Sampler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * {@code ./ddim spark sample}: N samples over the executors, one task per shard of sample indices. Output folder:
 * {@code job.json} (what was asked), {@code samples-NNNNN.npz} per shard ({@code x} [n, C, H, W] float32, the raw
 * samples, and {@code index} [n] int64), with {@code --png} also {@code png/sample-NNNNNNN.png} per sample, and
 * {@code index.json} (shards and their ranges) once all are complete. Sample i equals {@code ./ddim sample}'s sample i
 * for the same seed (bit for bit at the same batch and thread count; else to float rounding), a class-conditional
 * model's too: its class is row i of the same draws, from the classes asked for ({@link SampleSpec#classes}), with the
 * model's guidance.
 */
public final class SampleJob {
    /** The stream ./ddim sample draws its labels from: {@code Seeds.mix(seed, LABEL_STREAM)}. */
    static final long LABEL_STREAM = -1_000_000;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private SampleJob() {
    }

    /** What a run did: shards computed now and shards found complete from an earlier run. */
    public record Result(int shardsRun, int shardsSkipped, long samples) {
    }

    /** Runs the job; a re-run into the same folder computes only the shards missing. */
    public static Result run(JavaSparkContext sc, DdimModel model, SampleSpec spec, String out) throws IOException {
        model.classPrior(spec.classes()); // an unknown class, or classes of an unconditional model: refused here, once
        ShardCommitter output = new ShardCommitter(out);
        JobDescription.claim(output, "sample", spec, model);
        List<Shard> shards = Shard.split(spec.count(), spec.shardSize());
        List<Shard> todo = shards.stream().filter(s -> !output.isComplete(marker(s))).toList();
        if (!todo.isEmpty()) {
            ModelBroadcast weights = ModelBroadcast.of(sc, model);
            try {
                sc.parallelize(todo, todo.size())
                        .foreach(shard -> ExecutorModels.with(weights, m -> {
                            drawShard(m, spec, shard, output);
                            return null;
                        }));
            } finally {
                weights.destroy();
            }
        }
        writeIndex(output, spec, shards);
        output.removeAttempts();
        return new Result(todo.size(), shards.size() - todo.size(), spec.count());
    }

    /** The marker (last file committed) of a shard. */
    static String marker(Shard s) {
        return s.fileName("samples", "npz");
    }

    private static void drawShard(DdimModel m, SampleSpec spec, Shard shard, ShardCommitter output) {
        TaskThreads.apply();
        var data = m.config().data();
        Sampler sampler = m.sampler(spec.sampler(), spec.steps(), spec.spacing(), 0.0, spec.coupling());
        ClassPrior prior = m.classPrior(spec.classes());
        INDArray x = Nd4j.create(DataType.FLOAT, shard.size(), data.channels(), data.height(), data.width());
        for (long from = shard.from(); from < shard.to(); from += spec.batch()) {
            long to = Math.min(shard.to(), from + spec.batch());
            INDArray z = Seeds.gaussianRows(spec.seed(), from, to, data.channels(), data.height(), data.width());
            // row i's class as ./ddim sample draws it: row i of the prior's draws from mix(seed, -1,000,000)
            x.get(NDArrayIndex.interval(from - shard.from(), to - shard.from())).assign(sampler.sample(
                    prior == null ? m.noisePredictor() : m.noisePredictor(prior.drawRows(Seeds.mix(spec.seed(), LABEL_STREAM),
                            from, to), m.config().diffusion().guidance()), z, null));
        }
        Path local = null;
        try {
            local = Files.createTempDirectory("ddim4j-shard-");
            List<Path> files = new ArrayList<>();
            List<String> names = new ArrayList<>();
            if (spec.png()) {
                for (int i = 0; i < shard.size(); i++) {
                    String name = String.format("png/sample-%07d.png", shard.from() + i);
                    Path f = local.resolve("sample-" + i + ".png");
                    Images.writePng(Images.toImage(x.get(NDArrayIndex.point(i))), f);
                    files.add(f);
                    names.add(name);
                }
            }
            Path npz = local.resolve("samples.npz");
            Npz.write(npz, Map.of("x", x, "index",
                    Nd4j.createFromArray(LongStream.range(shard.from(), shard.to()).toArray())));
            files.add(npz);
            names.add(marker(shard));
            output.commit(files, names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LocalFiles.deleteQuietly(local);
        }
    }

    private static void writeIndex(ShardCommitter output, SampleSpec spec, List<Shard> shards) {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("count", spec.count());
        index.put("seed", spec.seed());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Shard s : shards) {
            list.add(Map.of("file", marker(s), "from", s.from(), "to", s.to()));
        }
        index.put("shards", list);
        output.commitText("index.json", GSON.toJson(index));
    }
}
