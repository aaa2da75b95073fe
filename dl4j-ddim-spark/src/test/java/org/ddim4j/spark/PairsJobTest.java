package org.ddim4j.spark;

import org.ddim4j.edit.PairStore;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.samples.Ddim;
import org.ddim4j.schedule.TimestepSpacing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairsJobTest {
    private static final PairsSpec SPEC = new PairsSpec(12, 4, 2, TimestepSpacing.UNIFORM, SamplerKind.DDIM, 3, 6);

    private static int ddim(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Ddim.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(0, code, String.join(" ", args) + ": " + err);
        return code;
    }

    @Test
    void theStoreIsWhatDdimPairsWritesAndBoundaryReadsIt(@TempDir Path dir) throws IOException {
        Path modelFile = SparkTests.tinyModelFile(dir);
        DdimModel model = ModelFile.load(modelFile);
        Path cls = SparkTests.classifier(dir);
        Path store = dir.resolve("pairs");
        String work = dir.resolve("work").toString();
        PairsJob.Result r = PairsJob.run(SparkTests.context(), model, cls, SPEC, store, work);
        assertEquals(2, r.shardsRun());
        assertFalse(Files.exists(Path.of(work)), "the shards are deleted once the store is complete");
        Path ref = dir.resolve("ref");
        ddim("pairs", "--weights", modelFile.toString(), "--classifier", cls.toString(), "--count", "12", "--steps", "2",
                "--skip", "uniform", "--batch", "3", "--seed", "4", "--out", ref.toString());
        PairStore a = PairStore.open(store);
        PairStore b = PairStore.open(ref);
        assertEquals(b.meta().count(), a.meta().count());
        assertEquals(b.meta().attributes(), a.meta().attributes());
        assertArrayEquals(b.latents(0, 12).data().asFloat(), a.latents(0, 12).data().asFloat(), "latents: the same seeds");
        assertEquals(0, b.scores().sub(a.scores()).amaxNumber().doubleValue(), 1e-6, "scores: same batches and threads");
        ddim("boundary", "--pairs", store.toString(), "--attribute", "heart", "--method", "logistic", "--epochs", "2",
                "--out", dir.resolve("boundary").toString());
        assertTrue(Files.list(dir.resolve("boundary")).findAny().isPresent());
    }

    @Test
    void aFailedFirstAttemptGivesTheSameStore(@TempDir Path dir) throws IOException {
        DdimModel model = SparkTests.tinyModel();
        Path cls = SparkTests.classifier(dir);
        PairsJob.run(SparkTests.context(), model, cls, SPEC, dir.resolve("clean"), dir.resolve("w1").toString());
        var sc = SparkTests.context();
        sc.setLocalProperty(TaskFailures.FAIL_FIRST_ATTEMPT, "true");
        try {
            PairsJob.run(sc, model, cls, SPEC, dir.resolve("retried"), dir.resolve("w2").toString());
        } finally {
            sc.setLocalProperty(TaskFailures.FAIL_FIRST_ATTEMPT, null);
        }
        for (String f : new String[]{"latents.f32", "scores.f32", "meta.json"}) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("clean").resolve(f)), Files.readAllBytes(dir.resolve("retried").resolve(f)), f);
        }
    }

    @Test
    void aShardSizeThatSplitsABatchIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PairsSpec(12, 4, 2, TimestepSpacing.UNIFORM, SamplerKind.DDIM, 4, 6));
        assertTrue(e.getMessage().contains("multiple of the batch (4)"), e.getMessage());
    }
}
