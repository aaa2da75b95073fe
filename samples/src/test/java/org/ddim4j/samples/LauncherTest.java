package org.ddim4j.samples;

import org.ddim4j.Fixtures;
import org.ddim4j.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherTest {
    private static final String CONFIG = Fixtures.parityFile("config.yml").toString();
    private static final String WEIGHTS = Fixtures.parityFile("small_unet.safetensors").toString();

    /** Exit code and what the command printed. */
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Ddim.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void forwardCommandReproducesThePyTorchReference(@TempDir Path dir) {
        Path out = dir.resolve("eps.npz");
        Result r = run("forward", "--config", CONFIG, "--weights", WEIGHTS, "--input",
                Fixtures.parityFile("forward.npz").toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        INDArray eps = Npz.readArray(out, "eps");
        double diff = Fixtures.maxAbsDiff(eps, Fixtures.npz("forward.npz").get("eps"));
        assertTrue(diff < 1e-5, "max diff " + diff);
    }

    @Test
    void forwardAcceptsIntegerTimesteps(@TempDir Path dir) throws IOException {
        Map<String, INDArray> ref = Fixtures.npz("forward.npz");
        Path in = dir.resolve("in.npz");
        Npz.write(in, Map.of("x", ref.get("x"), "t", Nd4j.createFromArray(new long[]{10, 500})));
        Path out = dir.resolve("eps.npz");
        assertEquals(0, run("forward", "--config", CONFIG, "--weights", WEIGHTS, "--input", in.toString(), "--output",
                out.toString()).code());
        assertTrue(Fixtures.maxAbsDiff(Npz.readArray(out, "eps"), ref.get("eps")) < 1e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "quadratic"})
    void sampleCommandReproducesThePyTorchSample(String skip, @TempDir Path dir) throws IOException {
        Map<String, INDArray> ref = Fixtures.npz("sample_" + skip + ".npz");
        Path noise = dir.resolve("z.npz");
        Npz.write(noise, Map.of("z", ref.get("z")));
        Path out = dir.resolve("x.npz");
        Result r = run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "10", "--skip", skip,
                "--noise", noise.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        INDArray x = Npz.readArray(out, "x");
        double rel = Fixtures.maxAbsDiff(x, ref.get("x_final")) / ref.get("x_final").amaxNumber().doubleValue();
        assertTrue(rel < 1e-5, "relative diff " + rel);
    }

    @Test
    void sampleWritesAPngGridAndIsRepeatableForASeed(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("grid.png");
        Result r = run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "2", "--count", "4", "--seed", "3",
                "--output", png.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(2 * 34 + 2, img.getWidth());
        Path a = dir.resolve("a.npz");
        Path b = dir.resolve("b.npz");
        run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "2", "--count", "2", "--seed", "3", "--output", a.toString());
        run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "2", "--count", "2", "--seed", "3", "--output", b.toString());
        assertEquals(Npz.readArray(a, "x"), Npz.readArray(b, "x"));
        Path c = dir.resolve("c.npz");
        assertEquals(0, run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "3", "--eta", "1", "--count", "2",
                "--output", c.toString()).code());
        assertTrue(!Npz.readArray(c, "x").isNaN().any());
    }

    @Test
    void badInputFilesFailWithAClearMessage(@TempDir Path dir) throws IOException {
        Path noT = dir.resolve("no_t.npz");
        Npz.write(noT, Map.of("x", Nd4j.zeros(DataType.FLOAT, 1, 3, 32, 32)));
        Result r = run("forward", "--config", CONFIG, "--weights", WEIGHTS, "--input", noT.toString(), "--output",
                dir.resolve("o.npz").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("has no array 't'") && r.err().contains("[x]"), r.err());

        Path wrongShape = dir.resolve("wrong.npz");
        Npz.write(wrongShape, Map.of("x", Nd4j.zeros(DataType.FLOAT, 1, 3, 16, 16), "t", Nd4j.zeros(DataType.FLOAT, 1)));
        r = run("forward", "--config", CONFIG, "--weights", WEIGHTS, "--input", wrongShape.toString(), "--output",
                dir.resolve("o.npz").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("[1, 3, 16, 16]") && r.err().contains("[B, 3, 32, 32]"), r.err());

        Path badT = dir.resolve("bad_t.npz");
        Npz.write(badT, Map.of("x", Nd4j.zeros(DataType.FLOAT, 2, 3, 32, 32), "t", Nd4j.zeros(DataType.FLOAT, 3)));
        r = run("forward", "--config", CONFIG, "--weights", WEIGHTS, "--input", badT.toString(), "--output",
                dir.resolve("o.npz").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("t has shape [3]"), r.err());

        r = run("sample", "--weights", WEIGHTS, "--output", dir.resolve("o.npz").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("give the network's --config"), r.err());

        r = run("sample", "--config", CONFIG, "--weights", dir.resolve("missing.safetensors").toString(), "--output",
                dir.resolve("o.npz").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("weights not found"), r.err());

        Path badNoise = dir.resolve("z.npz");
        Npz.write(badNoise, Map.of("z", Nd4j.zeros(DataType.FLOAT, 1, 3, 8, 8)));
        r = run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--noise", badNoise.toString(), "--output",
                dir.resolve("o.npz").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("z has shape [1, 3, 8, 8]"), r.err());
    }

    @Test
    void badFlagsAreUsageErrors(@TempDir Path dir) {
        String o = dir.resolve("o.npz").toString();
        assertEquals(2, run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--stepz", "3", "--output", o).code());
        assertEquals(2, run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--skip", "cubic", "--output", o).code());
        assertEquals(2, run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "x", "--output", o).code());
        assertEquals(2, run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--count", "2", "--noise", o, "--output", o).code());
        assertEquals(2, run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--output", dir.resolve("o.jpg").toString()).code());
        assertEquals(2, run("forward", "--config", CONFIG).code());
        assertEquals(2, run("frobnicate").code());
        Result r = run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "5000", "--output", o);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--steps must be in [1, 1000]"), r.err());
    }

    @Test
    void importTurnsAPthIntoAModelThatPredictsLikeTheReference(@TempDir Path dir) throws IOException {
        Path pth = dir.resolve("small_unet.pth");
        org.ddim4j.io.TorchZipWriter.write(pth, "small_unet",
                org.ddim4j.io.Safetensors.read(Fixtures.parityFile("small_unet.safetensors")).tensors());
        Path model = dir.resolve("small.ddim");
        Result r = run("import", "--config", CONFIG, "--torch", pth.toString(), "--out", model.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("268 tensors"), r.out());
        Path out = dir.resolve("eps.npz");
        r = run("forward", "--weights", model.toString(), "--input", Fixtures.parityFile("forward.npz").toString(),
                "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Fixtures.maxAbsDiff(Npz.readArray(out, "eps"), Fixtures.npz("forward.npz").get("eps")) < 1e-5);
    }

    @Test
    void importRefusesAHostilePickleAndWritesNothing(@TempDir Path dir) throws IOException {
        Path evil = dir.resolve("evil.pth");
        try (var in = LauncherTest.class.getResourceAsStream("/torch/evil.pth")) {
            java.nio.file.Files.copy(in, evil);
        }
        Path model = dir.resolve("evil.ddim");
        Result r = run("import", "--config", CONFIG, "--torch", evil.toString(), "--out", model.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("refused") && r.err().contains("posix.system"), r.err());
        assertTrue(!java.nio.file.Files.exists(model));
    }

    @Test
    void envPrintsBackendNativesThreadsAndMemoryAsJson() {
        Result r = run("env", "--json");
        assertEquals(0, r.code(), r.err());
        var json = com.google.gson.JsonParser.parseString(r.out().trim()).getAsJsonObject();
        assertTrue(json.get("backend").getAsString().startsWith("CpuBackend"), r.out());
        assertTrue(json.get("natives").getAsString().startsWith("onednn-avx2"), r.out());   // surefire's argLine
        assertEquals(Runtime.getRuntime().availableProcessors(), json.get("omp_threads").getAsInt(), r.out());
        assertEquals("PASSIVE", json.get("omp_wait_policy").getAsString(), r.out());   // surefire's environment
        assertTrue(json.has("openblas_coretype"), r.out());
        assertEquals("100000", json.get("gomp_spincount").getAsString(), r.out());
        assertTrue(json.get("glibc_tunables").getAsString().contains("glibc.malloc.hugetlb=1"), r.out());
        assertTrue(json.get("jvm_heap_max_mb").getAsLong() > 0 && json.has("physical_used_mb"), r.out());
    }

    @Test
    void demoPretrainedSamplesTheShippedWeightsWithoutTraining(@TempDir Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir.resolve("dl4j"));
        org.deeplearning4j.common.resources.DL4JResources.setBaseDirectory(dir.resolve("dl4j").toFile());
        try {
            Path out = dir.resolve("demo");
            Result r = run("demo", "--pretrained", "--out", out.toString(), "--data-root", dir.resolve("no-emoji").toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("48 samples"), r.out());
            BufferedImage grid = ImageIO.read(out.resolve("samples.png").toFile());
            assertTrue(grid.getWidth() > 8 * 32, "grid width " + grid.getWidth());
            assertTrue(java.nio.file.Files.exists(out.resolve("trajectory.gif")));
            assertTrue(java.nio.file.Files.exists(out.resolve("index.html")));
            assertTrue(!java.nio.file.Files.exists(out.resolve("nearest.png")));     // no emoji set here: no comparison
        } finally {
            org.deeplearning4j.common.resources.DL4JResources.resetBaseDirectoryLocation();
        }
    }
}
