package org.ddim4j.spark;

import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.samples.Ddim;
import org.ddim4j.schedule.TimestepSpacing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleJobTest {
    private static SampleSpec spec(long count, int shard, int batch, boolean png) {
        return new SampleSpec(count, 7, 3, TimestepSpacing.UNIFORM, SamplerKind.DDIM, Double.NaN, shard, batch, png);
    }

    /** ./ddim sample's x for the same model, seed and steps, run in this JVM (same native thread count). */
    private static INDArray ddimSample(Path model, int count, Path dir, String... more) {
        Path out = dir.resolve("ref.npz");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("sample", "--weights", model.toString(), "--count",
                String.valueOf(count), "--seed", "7", "--steps", "3", "--skip", "uniform", "--output", out.toString()));
        args.addAll(List.of(more));
        int code = Ddim.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(0, code, err.toString());
        return Npz.readArray(out, "x");
    }

    private static INDArray shards(Path out, int n) {
        INDArray[] parts = new INDArray[n];
        for (int i = 0; i < n; i++) {
            parts[i] = Npz.readArray(out.resolve(String.format("samples-%05d.npz", i)), "x");
        }
        return Nd4j.concat(0, parts);
    }

    @Test
    void sampleIIsWhatDdimSampleGivesForTheSameSeed(@TempDir Path dir) throws IOException {
        Path modelFile = SparkTests.tinyModelFile(dir);
        DdimModel model = org.ddim4j.model.ModelFile.load(modelFile);
        Path one = dir.resolve("one");
        SampleJob.run(SparkTests.context(), model, spec(6, 6, 6, false), one.toString());
        INDArray ref = ddimSample(modelFile, 6, dir);
        // the same batch (all six) and thread count: bit for bit
        assertArrayEquals(ref.data().asFloat(), shards(one, 1).data().asFloat());
        // three shards of two, in batches of one: other batch shapes, to float rounding (the 1e-5)
        Path three = dir.resolve("three");
        SampleJob.Result r = SampleJob.run(SparkTests.context(), model, spec(6, 2, 1, true), three.toString());
        assertEquals(new SampleJob.Result(3, 0, 6), r);
        INDArray x = shards(three, 3);
        assertEquals(0, ref.sub(x).amaxNumber().doubleValue(), 1e-5);
        assertArrayEquals(new long[]{2, 3}, Npz.readArray(three.resolve("samples-00001.npz"), "index").toLongVector());
        for (int i = 0; i < 6; i++) {
            assertTrue(Files.isRegularFile(three.resolve(String.format("png/sample-%07d.png", i))));
        }
        String index = Files.readString(three.resolve("index.json"));
        assertTrue(index.contains("\"file\": \"samples-00002.npz\"") && index.contains("\"from\": 4"), index);
        assertFalse(Files.exists(three.resolve(ShardCommitter.ATTEMPTS)), "no attempt files left");
    }

    /**
     * A class-conditional model's sample i is ./ddim sample's too: every class drawn in the training proportions, or
     * only the classes asked for, guided as asked (bit for bit at the same batch and thread count). Classes the model
     * does not have, or classes of an unconditional model, are refused before any shard runs.
     */
    @Test
    void aConditionalModelsSamplesAreDdimSamplesForTheSameClassesAndGuidance(@TempDir Path dir) throws IOException {
        DdimModel model = SparkTests.tinyConditionalModel();
        Path modelFile = dir.resolve("cc.ddim");
        org.ddim4j.model.ModelFile.save(model, modelFile);
        SampleJob.run(SparkTests.context(), model, spec(6, 6, 6, false), dir.resolve("all").toString());
        assertArrayEquals(ddimSample(modelFile, 6, dir).data().asFloat(), shards(dir.resolve("all"), 1).data().asFloat());

        SampleSpec bc = new SampleSpec(6, 7, 3, TimestepSpacing.UNIFORM, SamplerKind.DDIM, Double.NaN, 6, 6, false,
                List.of("b", "c"));
        SampleJob.run(SparkTests.context(), model.withGuidance(1.5), bc, dir.resolve("bc").toString());
        INDArray ref = ddimSample(modelFile, 6, dir, "--class", "b", "--class", "c", "--guidance", "1.5");
        assertArrayEquals(ref.data().asFloat(), shards(dir.resolve("bc"), 1).data().asFloat());
        assertTrue(ref.sub(shards(dir.resolve("all"), 1)).amaxNumber().doubleValue() > 1e-3,
                "other classes and guidance, other samples");

        SampleSpec unknown = new SampleSpec(6, 7, 3, TimestepSpacing.UNIFORM, SamplerKind.DDIM, Double.NaN, 6, 6, false,
                List.of("d"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> SampleJob.run(SparkTests.context(), model, unknown, dir.resolve("d").toString()));
        assertEquals("unknown class 'd'; the model's classes are [a, b, c]", e.getMessage());
        assertFalse(Files.exists(dir.resolve("d")), "refused before the output folder is claimed");
        e = assertThrows(IllegalArgumentException.class,
                () -> SampleJob.run(SparkTests.context(), SparkTests.tinyModel(), bc, dir.resolve("u").toString()));
        assertTrue(e.getMessage().contains("asked of an unconditional model"), e.getMessage());
    }

    @Test
    void aFailedFirstAttemptIsRetriedAndLeavesNoDuplicatesOrHalfFiles(@TempDir Path dir) throws IOException {
        DdimModel model = SparkTests.tinyModel();
        Path clean = dir.resolve("clean");
        SampleJob.run(SparkTests.context(), model, spec(4, 2, 2, true), clean.toString());
        Path retried = dir.resolve("retried");
        var sc = SparkTests.context();
        sc.setLocalProperty(TaskFailures.FAIL_FIRST_ATTEMPT, "true");
        try {
            SampleJob.run(sc, model, spec(4, 2, 2, true), retried.toString());
        } finally {
            sc.setLocalProperty(TaskFailures.FAIL_FIRST_ATTEMPT, null);
        }
        assertEquals(listing(clean), listing(retried), "the same files, no duplicates, no attempt leftovers");
        for (String f : List.of("samples-00000.npz", "samples-00001.npz")) {
            assertArrayEquals(Npz.readArray(clean.resolve(f), "x").data().asFloat(),
                    Npz.readArray(retried.resolve(f), "x").data().asFloat(), f);
        }
    }

    @Test
    void aReRunComputesOnlyTheMissingShardsAndRefusesAnotherJobsFolder(@TempDir Path dir) throws IOException {
        DdimModel model = SparkTests.tinyModel();
        Path out = dir.resolve("out");
        SampleJob.run(SparkTests.context(), model, spec(6, 2, 2, false), out.toString());
        byte[] first = Files.readAllBytes(out.resolve("samples-00001.npz"));
        Files.delete(out.resolve("samples-00001.npz"));
        SampleJob.Result r = SampleJob.run(SparkTests.context(), model, spec(6, 2, 2, false), out.toString());
        assertEquals(new SampleJob.Result(1, 2, 6), r);
        assertArrayEquals(first, Files.readAllBytes(out.resolve("samples-00001.npz")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleJob.run(SparkTests.context(), model, spec(8, 2, 2, false), out.toString()));
        assertTrue(e.getMessage().contains("another job"), e.getMessage());
    }

    @Test
    void eachTaskSlotBuildsTheModelOnceWhateverTheNumberOfTasks(@TempDir Path dir) throws IOException {
        DdimModel model = SparkTests.tinyModel();
        var sc = SparkTests.context();
        ModelBroadcast b = ModelBroadcast.of(sc, model);
        List<Integer> sizes = sc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8)
                .map(i -> ExecutorModels.with(b, m -> (int) m.network().parameters().trainableCount())).collect();
        assertEquals(8, sizes.size());
        assertTrue(ExecutorModels.built(b) >= 1 && ExecutorModels.built(b) <= 2,
                "built " + ExecutorModels.built(b) + " models for 8 tasks on 2 slots");
        b.destroy();
    }

    @Test
    void badSpecsAreRefusedWithTheirValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(0, 2, 2, false));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> spec(4, 2, 3, false));
        assertTrue(e.getMessage().contains("batch (3)"), e.getMessage());
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
