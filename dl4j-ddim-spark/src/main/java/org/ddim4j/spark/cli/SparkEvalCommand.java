package org.ddim4j.spark.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.data.Split;
import org.ddim4j.model.DdimModel;
import org.ddim4j.spark.EvalJob;
import org.ddim4j.spark.EvalSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./ddim spark eval}: {@link EvalJob}. */
@Command(name = "eval", description = "FID, KID, precision/recall, memorisation of N samples, features computed over the executors",
        footer = {"Sample i is ./ddim eval's for the same --seed and --batch (deterministic samplers: eta 0)."})
final class SparkEvalCommand implements Callable<Integer> {
    @ParentCommand
    SparkDdim parent;
    @Mixin
    SparkOptions spark;
    @Mixin
    SparkModelOptions model;
    @Mixin
    SparkStepOptions stepOptions;
    @Mixin
    SparkClassOptions classes;

    @Option(names = "--count", required = true, paramLabel = "N", description = "samples to draw (at least 2)")
    long count;
    @Option(names = "--dataset", paramLabel = "NAME", description = "the reference dataset (default: the model's)")
    String dataset;
    @Option(names = "--root", paramLabel = "DIR", description = "the dataset's folder on every machine (default: its cache folder)")
    String root;
    @Option(names = "--split", defaultValue = "train", paramLabel = "SPLIT", description = "the reference split (default ${DEFAULT-VALUE})")
    String split;
    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "seed of the samples and KID's subsets (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "samples per batch (default ${DEFAULT-VALUE}, as ./ddim eval)")
    int batch;
    @Option(names = "--shard-size", defaultValue = "512", paramLabel = "N", description = "samples or images per task, a multiple of --batch (default ${DEFAULT-VALUE})")
    int shardSize;
    @Option(names = "--features", defaultValue = "emoji", paramLabel = "NET",
            description = "emoji (in the jar), emoji=F.zip or inception=F.pth (a file every executor can read) (default ${DEFAULT-VALUE})")
    String features;
    @Option(names = "--inception-unchecked", description = "accept Inception weights whose SHA-256 is not the published file's")
    boolean inceptionUnchecked;
    @Option(names = "--out", required = true, paramLabel = "DIR|URI", description = "output folder (any Hadoop filesystem every executor can write)")
    String out;

    @Override
    public Integer call() throws Exception {
        DdimModel m = classes.apply(model.load());
        var d = m.config().diffusion();
        EvalSpec spec = new EvalSpec(count, seed, stepOptions.steps(d, null), stepOptions.spacing(d), stepOptions.kind(d),
                batch, shardSize, dataset == null ? m.config().data().dataset().key() : dataset, root, Split.fromName(split),
                features, inceptionUnchecked, classes.classes());
        long t0 = System.nanoTime();
        try (JavaSparkContext sc = spark.context("eval")) {
            EvalJob.Result r = EvalJob.run(sc, m, spec, out);
            var k = r.report().kid();
            parent.out.printf(Locale.ROOT, "%d samples against %d images: FID %s, KID x1000 %.3f (%.3f), floor of reference halves "
                            + "%.3f (%.3f); %s/metrics.json in %.1f s%n", r.report().generated(), r.report().reference(),
                    r.report().fid() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.report().fid()), 1000 * k.mean(),
                    1000 * k.std(), 1000 * r.halvesFloor().mean(), 1000 * r.halvesFloor().std(), out, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
