package org.ddim4j.samples;

import org.ddim4j.graph.OpProfile;

import com.google.gson.GsonBuilder;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.invert.InversionSettings;
import org.ddim4j.invert.OptimizationInversion;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.metrics.InceptionFeatures;
import org.ddim4j.metrics.SyntheticInceptionWeights;
import org.ddim4j.sampler.BdiaSampler;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.DpmSolverPlusPlus;
import org.ddim4j.sampler.EdictSampler;
import org.ddim4j.sampler.InvertibleSampler;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.batches.BatchSource;
import org.ddim4j.random.Seeds;
import org.ddim4j.train.Trainer;
import org.ddim4j.train.TrainingListener;
import org.ddim4j.unet.UNet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.stream.Collectors;

/**
 * {@code ./ddim bench}: the ddim4j side of the benchmark against PyTorch ({@code bench/run} runs both and prints
 * the table). Each case runs untimed warm-up passes, then timed ones, each phase lasting a minimum number of runs and
 * of seconds (the JIT compiler is done with the hot paths after some seconds, not after two runs); the median, min and max are written as JSON,
 * with the process's peak resident set size.
 */
@Command(name = "bench", description = "time forward, training, sampling and inversion (the ddim4j side of bench/run)",
        footer = {"Cases: forward (batch 16, 1) and a training iteration for both configs, a 10-step DDIM sample (batch 1, 16)",
                "and an optimisation-inversion iteration (batch 1, 8) for small; pytorch-fid's Inception features of 32",
                "images (inception b32)."})
final class BenchCommand extends DdimCommand {
    /**
     * How often a case runs: untimed, a first run (it compiles the plans, whatever that takes), then more until
     * both {@code warmRuns} runs in all and {@code warmSeconds} seconds after the first are done; then timed until
     * both {@code runs} runs and {@code seconds} seconds are. Ten seconds: a small training step's Java path is
     * still being compiled by the JIT for its first 15 or so iterations (docs/PERFORMANCE.md). The PyTorch side
     * (bench/torch_bench.py) uses the same figures.
     */
    record Repeats(int warmRuns, double warmSeconds, int runs, double seconds) {
        static Repeats of(boolean quick, boolean slow) {
            return quick ? new Repeats(1, 0, slow ? 1 : 2, 0) : new Repeats(2, 10, slow ? 3 : 7, 3);
        }

        /** Timed runs for work that takes about {@code secondsPerRun} each, when the count is fixed in advance. */
        int timedRuns(double secondsPerRun) {
            return (int) Math.max(runs, Math.ceil(seconds / Math.max(secondsPerRun, 1e-6)));
        }
    }

    /** A named unit of work, run repeatedly. */
    interface Work {
        void run() throws Exception;
    }

    /** The untimed runs of a case and the seconds of each timed one. */
    record Timing(int warmRuns, double[] seconds) {
    }

    /** Runs {@code work} as {@code repeats} says: untimed, then timed. */
    static Timing measure(Repeats repeats, Work work) throws Exception {
        work.run();
        int warmRuns = 1;
        for (long start = System.nanoTime();
             warmRuns < repeats.warmRuns() || System.nanoTime() - start < repeats.warmSeconds() * 1e9; warmRuns++) {
            work.run();
        }
        List<Double> seconds = new ArrayList<>();
        for (long start = System.nanoTime();
             seconds.size() < repeats.runs() || System.nanoTime() - start < repeats.seconds() * 1e9; ) {
            long t0 = System.nanoTime();
            work.run();
            seconds.add((System.nanoTime() - t0) / 1e9);
        }
        return new Timing(warmRuns, seconds.stream().mapToDouble(Double::doubleValue).toArray());
    }

    @Option(names = "--small", required = true, paramLabel = "SMALL.yml", description = "the small network's config (bench/configs)")
    Path small;

    @Option(names = "--large", required = true, paramLabel = "LARGE.yml", description = "the large network's config (bench/configs)")
    Path large;

    @Option(names = "--out", required = true, paramLabel = "JAVA.json", description = "the figures, written after each configuration")
    Path outFile;

    @Option(names = "--quick", description = "fewer repeats (a smoke test)")
    boolean quick;

    @Option(names = "--only", paramLabel = "CASE-PREFIX", defaultValue = "", description = "run only the cases whose name starts so")
    String only;

    @Option(names = "--op-profile", description = "after timing each case, run it 5 more times with every plan op timed, "
            + "and print where the time goes by op (OpProfile; the timing adds two clock reads per op)")
    boolean opProfile;

    private static final int PROFILED_RUNS = 5;

    @Override
    void run(PrintStream out) throws Exception {
        Map<String, Object> cases = new LinkedHashMap<>();
        for (String label : List.of("small", "large")) {
            DdimConfig config = ConfigLoader.load(label.equals("small") ? small : large);
            boolean slow = label.equals("large");
            Repeats rep = Repeats.of(quick, slow);
            List<Integer> shape = config.data().shape();
            timeForwardPasses(cases, label, config, only, rep, out);
            int trainBatch = config.training().batchSize();
            String trainName = "train " + label + " b" + trainBatch;
            if (trainName.startsWith(only)) {
                Path runDir = Files.createTempDirectory("ddim4j-bench");
                try {
                    Trainer trainer = Trainer.start(config, syntheticImages(shape), runDir, TrainingListener.NONE);
                    time(cases, trainName, only, rep, trainer::trainStep, out);
                } finally {
                    deleteTree(runDir);
                }
            }
            write(outFile, cases);
            if (slow) {
                continue;
            }
            UNet net = UNet.create(config.network(), shape, 0);   // the forward cases' weights (same seed)
            NoiseSchedule schedule = config.diffusion().noiseSchedule();
            DdimSampler sampler = new DdimSampler(schedule, TimestepSpacing.UNIFORM, 10, 0.0, false);
            for (int b : new int[]{1, 16}) {
                INDArray z = Seeds.gaussian(2, b, shape.get(0), shape.get(1), shape.get(2));
                time(cases, "sample10 " + label + " b" + b, only, rep, () -> sampler.sample(net, z, null), out);
            }
            for (int b : new int[]{1, 8}) {
                String name = "invert10 " + label + " b" + b;
                if (name.startsWith(only)) {
                    resetPeakRss();
                    cases.put(name, inversionIterations(net, sampler, b, shape, rep));
                    out.printf(Locale.ROOT, "%-22s %s%n", name, cases.get(name));
                    if (opProfile) {
                        OpProfile.start();
                        OptimizationInversion.invert(net, sampler, inversionTargets(b, shape), inversionStart(b, shape),
                                InversionSettings.defaults().withIterations(PROFILED_RUNS), (i, psnr, loss) -> { });
                        // PROFILED_RUNS iterations and the final evaluation pass
                        out.print(OpProfile.table(OpProfile.stop(), PROFILED_RUNS, 15));
                    }
                }
            }
            DpmSolverPlusPlus dpm = new DpmSolverPlusPlus(schedule, TimestepSpacing.UNIFORM, 10, 2);
            for (int b : new int[]{1, 16}) {
                INDArray z = Seeds.gaussian(2, b, shape.get(0), shape.get(1), shape.get(2));
                time(cases, "dpm++2m10 " + label + " b" + b, only, rep, () -> dpm.sample(net, z), out);
            }
            for (InvertibleSampler exact : List.of(new EdictSampler(schedule, TimestepSpacing.UNIFORM, 10, EdictSampler.DEFAULT_MIXING),
                    new BdiaSampler(schedule, TimestepSpacing.UNIFORM, 10, BdiaSampler.DEFAULT_GAMMA))) {
                for (int b : new int[]{1, 8}) {
                    INDArray images = Seeds.uniform(4, -1, 1, b, shape.get(0), shape.get(1), shape.get(2));
                    time(cases, exact.kind() + "-invert10 " + label + " b" + b, only, rep, () -> exact.encode(net, images), out);
                }
            }
            write(outFile, cases);
        }
        if ("inception b32".startsWith(only) || only.startsWith("inception")) {
            // pytorch-fid's feature extraction of 32 emoji-sized images (resize to 299 included), stand-in weights
            InceptionFeatures inception = new InceptionFeatures(SyntheticInceptionWeights.stateDict(), "0".repeat(64), false);
            INDArray images = Seeds.uniform(3, -1, 1, 32, 3, 32, 32);
            time(cases, "inception b32", "inception", Repeats.of(quick, true), () -> inception.features(images), out);
        }
        write(outFile, cases);
        out.println("wrote " + outFile);
    }

    /** The results so far (written after each configuration, so a crash keeps what was measured). */
    private static void write(Path file, Map<String, Object> cases) throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("side", "ddim4j");
        result.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        result.put("natives", System.getProperty("ddim.natives", "?"));
        result.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", String.valueOf(Runtime.getRuntime().availableProcessors())));
        result.put("java", System.getProperty("java.version"));
        result.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", ")));
        result.put("omp_wait_policy", System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"));
        result.put("openblas_coretype", System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
        result.put("gomp_spincount", System.getenv().getOrDefault("GOMP_SPINCOUNT", "(unset)"));
        result.put("glibc_tunables", System.getenv().getOrDefault("GLIBC_TUNABLES", "(unset)"));
        result.put("max_physical_bytes", System.getProperty("org.bytedeco.javacpp.maxphysicalbytes", "?"));
        result.put("cases", cases);
        AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(result));
    }

    /**
     * The forward cases, each on a network of its own: it and its compiled plan are unreachable once they are
     * timed, so later cases hold only their own memory, as on the PyTorch side (time() collects garbage first;
     * a network keeps the plans of its last two batch shapes).
     */
    private void timeForwardPasses(Map<String, Object> cases, String label, DdimConfig config, String only,
                                          Repeats repeats, PrintStream out) throws Exception {
        List<Integer> shape = config.data().shape();
        for (int b : new int[]{16, 1}) {
            UNet net = UNet.create(config.network(), shape, 0);     // the same weights for each batch size
            INDArray x = Seeds.gaussian(1, b, shape.get(0), shape.get(1), shape.get(2));
            INDArray t = Nd4j.createFromArray(timesteps(b));
            time(cases, "forward " + label + " b" + b, only, repeats, () -> net.predictNoise(x, t), out);
        }
    }

    private static float[] timesteps(int batch) {
        float[] t = new float[batch];
        for (int i = 0; i < batch; i++) {
            t[i] = (i * 397 + 11) % 1000;
        }
        return t;
    }

    private void time(Map<String, Object> cases, String name, String only, Repeats repeats, Work work,
                      PrintStream out) throws Exception {
        if (!name.startsWith(only)) {
            return;
        }
        resetPeakRss();
        try {
            Timing timing = measure(repeats, work);
            cases.put(name, summary(timing.seconds(), timing.warmRuns()));
        } catch (OutOfMemoryError e) {
            // ND4J's native allocator refuses past -Dorg.bytedeco.javacpp.maxphysicalbytes: the case does not fit
            cases.put(name, failure("out of memory: " + e.getMessage()));
        }
        out.printf(Locale.ROOT, "%-22s %s%n", name, cases.get(name));
        if (opProfile) {
            OpProfile.start();
            for (int i = 0; i < PROFILED_RUNS; i++) {
                work.run();
            }
            out.print(OpProfile.table(OpProfile.stop(), PROFILED_RUNS, 15));
        }
    }

    private static Map<String, Object> failure(String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("peak_rss_mb", peakRssMb());
        System.gc();
        return m;
    }

    /** Resets the kernel's peak-RSS mark of this process (VmHWM), so that each case reports its own peak. */
    private static void resetPeakRss() {
        System.gc();
        try {
            Thread.sleep(300);      // ND4J's and JavaCPP's deallocator threads free the collected native arrays
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not permitted: the peaks are then cumulative
        }
    }

    /**
     * Optimisation-inversion iterations (Adam, PSNR) through the 10-step sampler: the time between consecutive
     * iterations' listener calls is one whole iteration (dL/dz through the sampler, the Adam step, the next
     * sampler pass). The counts of untimed and timed iterations follow {@code repeats}, from the time of one
     * iteration (the second of two one-iteration inversions; the first compiles the plans).
     */
    private static Map<String, Object> inversionIterations(UNet net, DdimSampler sampler, int batch, List<Integer> shape,
                                                           Repeats repeats) {
        INDArray targets = inversionTargets(batch, shape);
        INDArray start = inversionStart(batch, shape);
        double perIteration = 0;
        for (int i = 0; i < 2; i++) {
            long t0 = System.nanoTime();
            OptimizationInversion.invert(net, sampler, targets, start, InversionSettings.defaults().withIterations(1),
                    (iteration, psnr, loss) -> { });
            perIteration = (System.nanoTime() - t0) / 1e9;
        }
        int warm = (int) Math.max(0, Math.max(repeats.warmRuns(), Math.ceil(repeats.warmSeconds() / perIteration)) - 2);
        int runs = repeats.timedRuns(perIteration);
        List<Long> stamps = new ArrayList<>();
        OptimizationInversion.invert(net, sampler, targets, start,
                InversionSettings.defaults().withIterations(warm + runs + 1), (i, psnr, loss) -> stamps.add(System.nanoTime()));
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            seconds[i] = (stamps.get(warm + i + 1) - stamps.get(warm + i)) / 1e9;
        }
        return summary(seconds, warm + 2);
    }

    /** The inversion cases' target images, in [0, 1]. */
    private static INDArray inversionTargets(int batch, List<Integer> shape) {
        return Seeds.uniform(3, 0, 1, batch, shape.get(0), shape.get(1), shape.get(2));
    }

    /** The inversion cases' starting latents. */
    private static INDArray inversionStart(int batch, List<Integer> shape) {
        return Seeds.gaussian(4, batch, shape.get(0), shape.get(1), shape.get(2));
    }

    private static Map<String, Object> summary(double[] seconds, int warmRuns) {
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_s", median);
        m.put("min_s", sorted[0]);
        m.put("max_s", sorted[n - 1]);
        m.put("runs", n);
        m.put("warmup_runs", warmRuns);
        m.put("peak_rss_mb", peakRssMb());
        return m;
    }

    /** Random images in [-1, 1], a different batch per iteration (training reads no files in the benchmark). */
    private static BatchSource syntheticImages(List<Integer> shape) {
        return new BatchSource() {
            public int size() {
                return 1_000_000;
            }

            public INDArray batch(long iteration, int batchSize) {
                return Seeds.uniform(Seeds.mix(7, iteration), -1, 1, batchSize, shape.get(0), shape.get(1), shape.get(2))
                        .castTo(DataType.FLOAT);
            }
        };
    }

    /** VmHWM of /proc/self/status: the peak resident set size, in MB (NaN where there is no /proc). */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
