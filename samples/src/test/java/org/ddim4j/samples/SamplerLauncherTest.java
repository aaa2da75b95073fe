package org.ddim4j.samples;

import org.ddim4j.Fixtures;
import org.ddim4j.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --sampler} on the parity network: each sampler runs, repeats, and bad combinations are usage errors. */
class SamplerLauncherTest {
    private static final String CONFIG = Fixtures.parityFile("config.yml").toString();
    private static final String WEIGHTS = Fixtures.parityFile("small_unet.safetensors").toString();

    private static INDArray sample(Path dir, String sampler, String name) {
        Path out = dir.resolve(name + ".npz");
        LauncherTest.Result r = LauncherTest.run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "6",
                "--count", "2", "--seed", "5", "--skip", "trailing", "--sampler", sampler, "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("6 steps"), r.out());
        return Npz.readArray(out, "x");
    }

    @Test
    void everySamplerDrawsRepeatableSamplesOfItsOwn(@TempDir Path dir) {
        INDArray ddim = sample(dir, "ddim", "ddim");
        INDArray second = sample(dir, "dpm++2m", "a");
        INDArray third = sample(dir, "dpm++3m", "b");
        assertEquals(second, sample(dir, "dpm++2m", "a2"));
        assertTrue(!second.isNaN().any() && !third.isNaN().any());
        assertNotEquals(ddim, second);
        assertNotEquals(second, third);
        // the same ODE from the same noise: the solvers agree far better than two unrelated samples would
        double solvers = second.sub(ddim).norm2Number().doubleValue();
        double unrelated = ddim.slice(0).sub(ddim.slice(1)).norm2Number().doubleValue() * Math.sqrt(2);
        assertTrue(solvers < 0.5 * unrelated, "DDIM vs 2M " + solvers + ", two samples " + unrelated);
    }

    @Test
    void badSamplersAndCombinationsAreUsageErrors(@TempDir Path dir) {
        String out = dir.resolve("x.npz").toString();
        LauncherTest.Result r = LauncherTest.run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--sampler", "plms",
                "--output", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown sampler 'plms'; samplers are [ddim, dpm++2m, dpm++3m"), r.err());
        r = LauncherTest.run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--sampler", "dpm++2m", "--eta", "1",
                "--output", out);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--eta and --gif go with --sampler ddim"), r.err());
    }

    @Test
    void etaAboveZeroIsAFunctionOfTheSeed(@TempDir Path dir) {
        INDArray[] runs = new INDArray[3];
        long[] seeds = {7, 7, 8};
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("eta" + i + ".npz");
            LauncherTest.Result r = LauncherTest.run("sample", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "4",
                    "--count", "2", "--seed", Long.toString(seeds[i]), "--eta", "1", "--output", out.toString());
            assertEquals(0, r.code(), r.err());
            runs[i] = Npz.readArray(out, "x");
        }
        assertEquals(runs[0], runs[1], "the same seed, the same samples (noise included)");
        assertNotEquals(runs[0], runs[2]);
    }
}
