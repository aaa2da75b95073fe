package org.ddim4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ddim4j.sweep.CandidateRecord;
import org.ddim4j.sweep.CandidateRunner;
import org.ddim4j.sweep.Sweep;
import org.ddim4j.sweep.SweepSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code ./ddim spark sweep}: an Arbiter sweep with one candidate per task. The driver plans the candidates as
 * {@code ./ddim sweep} does (Arbiter's grid or random generator with the spec's seed: {@link Sweep#candidates}); each
 * task trains and scores its candidate exactly as the local sweep does ({@link CandidateRunner}) and commits
 * {@code candidate-NNN/run/model.ddim} (when it trained a network) and {@code candidate-NNN/result.json} (the marker);
 * the driver then writes the local sweep's results table, report and charts. A re-run skips candidates whose result
 * is committed. The spec travels as its YAML text; its base config and data root must resolve on every executor.
 */
public final class SweepJob {
    private SweepJob() {
    }

    public record Result(int candidatesRun, int candidatesSkipped, List<CandidateRecord> ranked) {
    }

    public static Result run(JavaSparkContext sc, Path specFile, String out) throws IOException {
        SweepSpec spec = SweepSpec.load(specFile);
        List<Sweep.PlannedCandidate> candidates = Sweep.candidates(spec);
        ShardCommitter output = new ShardCommitter(out);
        String text = Files.readString(specFile);
        String specPath = specFile.toAbsolutePath().toString();
        String before = output.readText("sweep.yml");
        if (before == null) {
            output.commitText("sweep.yml", text);
        } else if (!before.equals(text)) {
            throw new IllegalArgumentException(out + " holds another sweep (its sweep.yml differs from " + specFile
                    + "); choose another output folder or delete it");
        }
        List<Sweep.PlannedCandidate> todo = candidates.stream().filter(c -> !output.isComplete(resultName(c.index()))).toList();
        long t0 = System.nanoTime();
        if (!todo.isEmpty()) {
            Broadcast<String> yaml = sc.broadcast(text);
            String job = "sweep-" + UUID.randomUUID();
            try {
                sc.parallelize(todo, todo.size()).foreach(c -> ExecutorPool.with(job, () -> openRunner(yaml.value(), specPath),
                        (Runner r) -> {
                            runCandidate(r, c, output);
                            return null;
                        }));
            } finally {
                yaml.destroy();
            }
        }
        List<CandidateRecord> records = new ArrayList<>();
        Path local = Files.createTempDirectory("ddim4j-sweep-");
        try {
            for (Sweep.PlannedCandidate c : candidates) {
                String json = output.readText(resultName(c.index()));
                CandidateRecord r = json == null ? null : CandidateRecord.parse(json);
                if (r == null) {
                    throw new IOException(out + ": " + resultName(c.index()) + " is not a candidate record");
                }
                records.add(r);
            }
            Path tables = Files.createDirectory(local.resolve("tables"));
            List<CandidateRecord> ranked = CandidateRunner.writeResults(tables, spec, records, (System.nanoTime() - t0) / 1e9);
            List<Path> files;
            try (Stream<Path> s = Files.list(tables)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            output.commit(files, files.stream().map(f -> f.getFileName().toString()).toList());
            output.removeAttempts();
            return new Result(todo.size(), candidates.size() - todo.size(), ranked);
        } finally {
            LocalFiles.deleteQuietly(local);
        }
    }

    static String resultName(int index) {
        return String.format("candidate-%03d/%s", index, CandidateRecord.FILE);
    }

    /** A slot's runner and the local folder its candidates are trained in. */
    private record Runner(CandidateRunner runner, Path folder) {
    }

    private static Runner openRunner(String yaml, String specPath) {
        try {
            Path folder = Files.createTempDirectory("ddim4j-candidates-");
            return new Runner(CandidateRunner.open(SweepSpec.parse(yaml, Path.of(specPath)), folder), folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void runCandidate(Runner r, Sweep.PlannedCandidate c, ShardCommitter output) {
        TaskThreads.apply();
        r.runner().run(c.index(), c.overrides());
        Path folder = CandidateRunner.folder(r.folder(), c.index());
        List<Path> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Path model = folder.resolve("run").resolve("model.ddim");
        if (Files.isRegularFile(model)) {
            files.add(model);
            names.add(String.format("candidate-%03d/run/model.ddim", c.index()));
        }
        files.add(folder.resolve(CandidateRecord.FILE));
        names.add(resultName(c.index()));
        output.commit(files, names);
        LocalFiles.deleteQuietly(folder);
    }
}
