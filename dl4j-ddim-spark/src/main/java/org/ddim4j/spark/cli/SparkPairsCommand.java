package org.ddim4j.spark.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.model.DdimModel;
import org.ddim4j.spark.PairsJob;
import org.ddim4j.spark.PairsSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./ddim spark pairs}: {@link PairsJob}. */
@Command(name = "pairs", description = "draw and score editing pairs over the executors into a pair store (for ./ddim boundary)",
        footer = {"Pair i equals ./ddim pairs' pair i for the same --seed and --batch (--steps defaults to 50, the seed's).",
                "Shards go to --work (default PAIRS_DIR.shards), are assembled into PAIRS_DIR on the driver, then deleted."})
final class SparkPairsCommand implements Callable<Integer> {
    @ParentCommand
    SparkDdim parent;
    @Mixin
    SparkOptions spark;
    @Mixin
    SparkModelOptions model;
    @Mixin
    SparkStepOptions stepOptions;

    @Option(names = "--classifier", required = true, paramLabel = "CLS.zip", description = "the attribute classifier (./ddim classifier train)")
    Path classifier;
    @Option(names = "--count", required = true, paramLabel = "N", description = "how many pairs")
    long count;
    @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "latents per batch (default ${DEFAULT-VALUE}, as ./ddim pairs)")
    int batch;
    @Option(names = "--shard-size", defaultValue = "1024", paramLabel = "N", description = "pairs per task, a multiple of --batch (default ${DEFAULT-VALUE})")
    int shardSize;
    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "seed of the latents (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--out", required = true, paramLabel = "PAIRS_DIR", description = "the pair store's folder (on the driver)")
    Path out;
    @Option(names = "--work", paramLabel = "DIR|URI", description = "the shards' folder, writable by every executor (default PAIRS_DIR.shards)")
    String work;

    @Override
    public Integer call() throws Exception {
        DdimModel m = model.load();
        var d = m.config().diffusion();
        int steps = stepOptions.steps(d, 50);   // the seed's pairs: 50 steps, as ./ddim pairs
        PairsSpec spec = new PairsSpec(count, seed, steps, stepOptions.spacing(d), stepOptions.kind(d), batch, shardSize);
        String shards = work != null ? work : out.toAbsolutePath() + ".shards";
        long t0 = System.nanoTime();
        try (JavaSparkContext sc = spark.context("pairs")) {
            PairsJob.Result r = PairsJob.run(sc, m, classifier, spec, out, shards);
            parent.out.printf(Locale.ROOT, "wrote %,d pairs (%d steps, %d attributes; %d shards run, %d complete before) to %s in %.1f s%n",
                    r.store().meta().count(), steps, r.store().meta().attributes().size(), r.shardsRun(), r.shardsSkipped(),
                    out, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
