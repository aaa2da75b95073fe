package org.ddim4j.spark.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.model.DdimModel;
import org.ddim4j.spark.SampleJob;
import org.ddim4j.spark.SampleSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code ./ddim spark sample}: {@link SampleJob}. */
@Command(name = "sample", description = "draw N samples over the executors into sharded npz (and PNG) files plus an index",
        footer = {"Sample i starts from row i of the seed's noise, as in ./ddim sample --seed; deterministic samplers only",
                "(eta 0). A re-run into the same --out computes only the shards missing."})
final class SparkSampleCommand implements Callable<Integer> {
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

    @Option(names = "--count", required = true, paramLabel = "N", description = "number of samples")
    long count;
    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "seed of the starting noise (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--shard-size", defaultValue = "256", paramLabel = "N", description = "samples per task and file (default ${DEFAULT-VALUE})")
    int shardSize;
    @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "samples per network call (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--png", description = "also write every sample as png/sample-NNNNNNN.png")
    boolean png;
    @Option(names = "--out", required = true, paramLabel = "DIR|URI", description = "output folder (any Hadoop filesystem every executor can write)")
    String out;

    @Override
    public Integer call() throws Exception {
        DdimModel m = classes.apply(model.load());
        var d = m.config().diffusion();
        SampleSpec spec = new SampleSpec(count, seed, stepOptions.steps(d, null), stepOptions.spacing(d), stepOptions.kind(d),
                Double.NaN, shardSize, Math.min(batch, shardSize), png, classes.classes());
        long t0 = System.nanoTime();
        try (JavaSparkContext sc = spark.context("sample")) {
            SampleJob.Result r = SampleJob.run(sc, m, spec, out);
            parent.out.printf("wrote %d samples in %d shards (%d run now, %d complete before) to %s in %.1f s%n",
                    r.samples(), r.shardsRun() + r.shardsSkipped(), r.shardsRun(), r.shardsSkipped(), out,
                    (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
