package org.ddim4j.samples;

import org.ddim4j.sweep.CandidateRecord;
import org.ddim4j.sweep.Sweep;
import org.ddim4j.sweep.SweepSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code ./ddim sweep}: an Arbiter hyperparameter sweep described by a YAML file. */
final class SweepCommand implements Command {
    @Override
    public String name() {
        return "sweep";
    }

    @Override
    public String summary() {
        return "hyperparameter sweep with Arbiter (grid, random, genetic) over any config field; table, plots, resume";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim sweep --spec SWEEP.yml --out DIR [--parallel K] [--resume]
                  --spec      the sweep (see the README): base config, swept keys and values, search, budget, score
                  --out       one folder per candidate (run, result.json), results.csv, results.json, report.html, plots
                  --parallel  candidates trained at once (default 1)
                  --resume    continue a sweep in --out, skipping candidates that finished""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("sweep", argv, Set.of("resume"), Set.of("spec", "out", "parallel"), Set.of());
        SweepSpec spec = SweepSpec.load(args.path("spec"));
        int parallel = args.integer("parallel", 1);
        if (parallel <= 0) {
            throw new UsageException("sweep: --parallel must be positive, got " + parallel);
        }
        Path dir = args.path("out");
        out.printf(Locale.ROOT, "sweep: %s search, %d candidates, score %s; results in %s%n",
                spec.search().name().toLowerCase(Locale.ROOT), spec.candidateCount(),
                spec.score().name().toLowerCase(Locale.ROOT), dir);
        long start = System.nanoTime();
        List<CandidateRecord> ranked = Sweep.run(spec, dir, parallel, args.has("resume"));
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
