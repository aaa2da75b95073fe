package org.ddim4j.spark.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.spark.SweepJob;
import org.ddim4j.sweep.CandidateRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./ddim spark sweep}: {@link SweepJob}. */
@Command(name = "sweep", description = "an Arbiter sweep (grid or random) with one candidate per task; the local sweep's results",
        footer = {"The spec's base config and data root must resolve on every executor. A re-run skips finished candidates."})
final class SparkSweepCommand implements Callable<Integer> {
    @ParentCommand
    SparkDdim parent;
    @Mixin
    SparkOptions spark;

    @Option(names = "--spec", required = true, paramLabel = "SWEEP.yml", description = "the sweep file (as ./ddim sweep's)")
    Path spec;
    @Option(names = "--out", required = true, paramLabel = "DIR|URI", description = "output folder (any Hadoop filesystem every executor can write)")
    String out;

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isRegularFile(spec)) {
            throw new IllegalArgumentException("sweep file not found: " + spec.toAbsolutePath());
        }
        try (JavaSparkContext sc = spark.context("sweep")) {
            SweepJob.Result r = SweepJob.run(sc, spec, out);
            parent.out.printf("%d candidates (%d run now, %d finished before); results in %s/results.csv%n",
                    r.ranked().size(), r.candidatesRun(), r.candidatesSkipped(), out);
            if (!r.ranked().isEmpty()) {
                CandidateRecord best = r.ranked().get(0);
                parent.out.println("best: candidate " + best.index() + " (" + best.key() + ")");
            }
        }
        return 0;
    }
}
