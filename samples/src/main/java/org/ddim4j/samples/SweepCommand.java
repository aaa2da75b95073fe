package org.ddim4j.samples;

import org.ddim4j.sweep.CandidateRecord;
import org.ddim4j.sweep.Sweep;
import org.ddim4j.sweep.SweepSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./ddim sweep}: an Arbiter hyperparameter sweep described by a YAML file. */
@Command(name = "sweep",
        description = "hyperparameter sweep with Arbiter (grid, random, genetic) over any config field; table, plots, resume")
final class SweepCommand extends DdimCommand {
    @Option(names = "--spec", required = true, paramLabel = "SWEEP.yml",
            description = "the sweep (see the README): base config, swept keys and values, search, budget, score")
    Path specFile;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "one folder per candidate (run, result.json), results.csv, results.json, report.html, plots")
    Path dir;

    @Option(names = "--parallel", paramLabel = "K", defaultValue = "1", description = "candidates trained at once (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--resume", description = "continue a sweep in --out, skipping candidates that finished")
    boolean resume;

    @Override
    void run(PrintStream out) throws Exception {
        if (parallel <= 0) {
            throw usageError("--parallel must be positive, got " + parallel);
        }
        SweepSpec spec = SweepSpec.load(specFile);
        out.printf(Locale.ROOT, "sweep: %s search, %d candidates, score %s; results in %s%n",
                spec.search().name().toLowerCase(Locale.ROOT), spec.candidateCount(),
                spec.score().name().toLowerCase(Locale.ROOT), dir);
        long start = System.nanoTime();
        List<CandidateRecord> ranked = Sweep.run(spec, dir, parallel, resume);
        for (CandidateRecord r : ranked) {
            out.printf(Locale.ROOT, "#%d %-8s %s%s%n", r.index(), r.status(), r.key(), r.complete()
                    ? String.format(Locale.ROOT, "  score %.5g", r.scores().get(spec.score()))
                    : "  (" + r.error().lines().findFirst().orElse("") + ")");
        }
        out.printf(Locale.ROOT, "done in %s: %d complete, %d failed; report %s%n",
                ProgressPrinter.clock((System.nanoTime() - start) / 1e9), ranked.stream().filter(CandidateRecord::complete).count(),
                ranked.stream().filter(r -> !r.complete()).count(), dir.resolve("report.html").toAbsolutePath());
    }
}
