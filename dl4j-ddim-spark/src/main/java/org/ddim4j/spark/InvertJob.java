package org.ddim4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.invert.InversionResult;
import org.ddim4j.invert.InversionSettings;
import org.ddim4j.invert.Inverter;
import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.random.Seeds;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.sampler.SamplerKind;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * {@code ./ddim spark invert}: every image of a dataset split to its latent, one task per shard of image indices.
 * Output folder: {@code latents-NNNNN.npz} per shard ({@code z} [n, C, H, W], the exact methods' partner latent as
 * {@code y}, {@code index} [n] int64, {@code psnr} and {@code ssim} [n]), then {@code results.csv} (index, psnr, ssim
 * of every image) and {@code summary.json} (count, means and standard deviations) from the driver. Committed by
 * rename; a re-run computes only the shards missing.
 */
public final class InvertJob {
    private InvertJob() {
    }

    public record Result(int shardsRun, int shardsSkipped, long images, double meanPsnr, double meanSsim) {
    }

    public static Result run(JavaSparkContext sc, DdimModel model, InvertSpec spec, String out) throws IOException {
        ImageSplit split = ImageDatasets.open(spec.dataset(), spec.root() == null ? null : Path.of(spec.root()), spec.split());
        long count = spec.count() == 0 ? split.size() : Math.min(spec.count(), split.size());
        ShardCommitter output = new ShardCommitter(out);
        JobDescription.claim(output, "invert", spec, model);
        List<Shard> shards = Shard.split(count, spec.shardSize());
        List<Shard> todo = shards.stream().filter(s -> !output.isComplete(marker(s))).toList();
        if (!todo.isEmpty()) {
            ModelBroadcast weights = ModelBroadcast.of(sc, model);
            try {
                sc.parallelize(todo, todo.size()).foreach(shard -> ExecutorModels.with(weights, m -> {
                    invertShard(m, spec, shard, output);
                    return null;
                }));
            } finally {
                weights.destroy();
            }
        }
        double[] totals = writeTable(output, shards);
        output.removeAttempts();
        return new Result(todo.size(), shards.size() - todo.size(), count, totals[0] / count, totals[1] / count);
    }

    static String marker(Shard s) {
        return s.fileName("latents", "npz");
    }

    private static void invertShard(DdimModel m, InvertSpec spec, Shard shard, ShardCommitter output) {
        TaskThreads.apply();
        ImageSplit split = ImageDatasets.open(spec.dataset(), spec.root() == null ? null : Path.of(spec.root()), spec.split());
        int size = m.network().architecture().size();
        DdimSampler ddim = m.sampler(spec.steps(), spec.spacing(), 0.0);
        Sampler decoder = spec.method().exact()
                ? m.sampler(spec.method().samplerKind(), spec.steps(), spec.spacing(), 0.0, Double.NaN)
                : m.sampler(SamplerKind.DDIM, spec.steps(), spec.spacing(), 0.0, Double.NaN);
        Inverter inverter = new Inverter(m, ddim, null).withOdeFixedPoint(spec.fixedPoint()).withSampler(decoder);
        InversionSettings settings = InversionSettings.defaults().withIterations(Math.max(1, spec.iterations()))
                .withLearningRate(spec.learningRate());
        INDArray z = null;
        INDArray y = null;
        double[] psnr = new double[shard.size()];
        double[] ssim = new double[shard.size()];
        try {
            for (long from = shard.from(); from < shard.to(); from += spec.batch()) {
                int n = (int) Math.min(spec.batch(), shard.to() - from);
                INDArray targets = ImageDatasets.tensors(split, size, (int) from, n).addi(1).divi(2);   // [0, 1]
                InversionResult r = inverter.invert(spec.method(), targets, settings, Seeds.mix(spec.seed(), from), null);
                if (z == null) {
                    z = Nd4j.create(DataType.FLOAT, shard.size(), r.latent().size(1), r.latent().size(2), r.latent().size(3));
                    y = r.partner() == null ? null : Nd4j.create(DataType.FLOAT, z.shape());
                }
                long at = from - shard.from();
                z.get(NDArrayIndex.interval(at, at + n)).assign(r.latent());
                if (y != null) {
                    y.get(NDArrayIndex.interval(at, at + n)).assign(r.partner());
                }
                for (int i = 0; i < n; i++) {
                    psnr[(int) at + i] = r.psnr().getDouble(i);
                    ssim[(int) at + i] = r.ssim().getDouble(i);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path local = null;
        try {
            local = Files.createTempDirectory("ddim4j-invert-");
            Path npz = local.resolve("latents.npz");
            Map<String, INDArray> arrays = new HashMap<>();
            arrays.put("z", z);
            if (y != null) {
                arrays.put("y", y);
            }
            arrays.put("index", Nd4j.createFromArray(LongStream.range(shard.from(), shard.to()).toArray()));
            arrays.put("psnr", Nd4j.createFromArray(psnr));
            arrays.put("ssim", Nd4j.createFromArray(ssim));
            Npz.write(npz, arrays);
            output.commit(List.of(npz), List.of(marker(shard)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LocalFiles.deleteQuietly(local);
        }
    }

    /** results.csv and summary.json from the shards' files (on the driver); returns {sum of PSNR, sum of SSIM}. */
    private static double[] writeTable(ShardCommitter output, List<Shard> shards) throws IOException {
        StringBuilder csv = new StringBuilder("index,psnr,ssim\n");
        List<Double> p = new ArrayList<>();
        List<Double> s = new ArrayList<>();
        Path local = Files.createTempFile("ddim4j-latents-", ".npz");
        try {
            for (Shard shard : shards) {
                output.copyToLocal(marker(shard), local);
                Map<String, INDArray> a = Npz.read(local);
                long[] index = a.get("index").toLongVector();
                double[] psnr = a.get("psnr").toDoubleVector();
                double[] ssim = a.get("ssim").toDoubleVector();
                for (int i = 0; i < index.length; i++) {
                    csv.append(String.format(Locale.ROOT, "%d,%.4f,%.4f%n", index[i], psnr[i], ssim[i]));
                    p.add(psnr[i]);
                    s.add(ssim[i]);
                }
            }
        } finally {
            Files.deleteIfExists(local);
        }
        output.commitText("results.csv", csv.toString());
        output.commitText("summary.json", String.format(Locale.ROOT,
                "{\"images\": %d, \"psnr_mean\": %.4f, \"psnr_std\": %.4f, \"ssim_mean\": %.4f, \"ssim_std\": %.4f}%n",
                p.size(), mean(p), std(p), mean(s), std(s)));
        return new double[]{mean(p) * p.size(), mean(s) * s.size()};
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double std(List<Double> v) {
        double m = mean(v);
        return Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / Math.max(1, v.size() - 1));
    }
}
