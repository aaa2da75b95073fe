package org.ddim4j.spark.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.data.Split;
import org.ddim4j.invert.Inverter;
import org.ddim4j.model.DdimModel;
import org.ddim4j.spark.InvertJob;
import org.ddim4j.spark.InvertSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./ddim spark invert}: {@link InvertJob}. */
@Command(name = "invert", description = "invert every image of a dataset split over the executors: latents, PSNR/SSIM table")
final class SparkInvertCommand implements Callable<Integer> {
    @ParentCommand
    SparkDdim parent;
    @Mixin
    SparkOptions spark;
    @Mixin
    SparkModelOptions model;
    @Mixin
    SparkStepOptions stepOptions;

    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "the dataset (./ddim dataset --help)")
    String dataset;
    @Option(names = "--root", paramLabel = "DIR", description = "the dataset's folder on every machine (default: its cache folder)")
    String root;
    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT", description = "train, valid or test (default ${DEFAULT-VALUE})")
    String split;
    @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "the first N images (default 0: all)")
    long count;
    @Option(names = "--method", defaultValue = "ode", paramLabel = "METHOD", description = "ode, optimize, hybrid, edict or bdia (default ${DEFAULT-VALUE})")
    String method;
    @Option(names = "--iterations", defaultValue = "300", paramLabel = "N", description = "optimize and hybrid: iterations (default ${DEFAULT-VALUE})")
    int iterations;
    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "LR", description = "optimize and hybrid: the latent's learning rate (default ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--fixed-point", defaultValue = "0", paramLabel = "K", description = "ode: fixed-point iterations per step (default ${DEFAULT-VALUE})")
    int fixedPoint;
    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "optimize's random starts (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--shard-size", defaultValue = "64", paramLabel = "N", description = "images per task (default ${DEFAULT-VALUE})")
    int shardSize;
    @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "images per inversion batch (default ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--out", required = true, paramLabel = "DIR|URI", description = "output folder (any Hadoop filesystem every executor can write)")
    String out;

    @Override
    public Integer call() throws Exception {
        DdimModel m = model.load();
        var d = m.config().diffusion();
        if (stepOptions.sampler != null) {
            throw new IllegalArgumentException("spark invert takes no --sampler: --method edict and bdia invert those samplers, the others DDIM's");
        }
        InvertSpec spec = new InvertSpec(dataset, root, Split.fromName(split), count, Inverter.Method.fromName(method),
                stepOptions.steps(d, null), stepOptions.spacing(d), iterations, lr, fixedPoint, seed, shardSize, Math.min(batch, shardSize));
        long t0 = System.nanoTime();
        try (JavaSparkContext sc = spark.context("invert")) {
            InvertJob.Result r = InvertJob.run(sc, m, spec, out);
            parent.out.printf(Locale.ROOT, "inverted %d images (%d shards run, %d complete before): mean PSNR %.2f dB, SSIM %.4f; "
                            + "%s/results.csv in %.1f s%n", r.images(), r.shardsRun(), r.shardsSkipped(), r.meanPsnr(), r.meanSsim(),
                    out, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
