package org.ddim4j.edit;

import org.ddim4j.Fixtures;
import org.ddim4j.model.DdimModel;
import org.ddim4j.schedule.TimestepSpacing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairStoreTest {
    @Test
    void pairsAreWrittenInBatchesAndReadBackByRange(@TempDir Path dir) throws IOException {
        DdimModel model = new DdimModel(Fixtures.parityConfig(), Fixtures.parityNetwork());
        var classifier = AttributeClassifier.build(32, 2, 1, 10, 0.1);
        PairStore store = PairGeneration.generate(model, model.sampler(2, TimestepSpacing.UNIFORM, 0.0), 2, classifier,
                List.of("a", "b"), 5, 2, 9, dir.resolve("pairs"), null);
        assertEquals(5, store.meta().count());
        assertEquals(5 * 3072 * 4, Files.size(dir.resolve("pairs").resolve("latents.f32")));
        PairStore back = PairStore.open(dir.resolve("pairs"));
        INDArray scores = back.scores();
        assertArrayEquals(new long[]{5, 2}, scores.shape());
        assertTrue(scores.minNumber().doubleValue() >= 0 && scores.maxNumber().doubleValue() <= 1);
        // the latents are the seed's draws, in order
        INDArray expected = org.ddim4j.random.Seeds.gaussian(org.ddim4j.random.Seeds.mix(9, 0), 2, 3, 32, 32).reshape(2, -1);
        assertEquals(0.0, back.latents(0, 2).sub(expected).amaxNumber().doubleValue(), 1e-6);
        assertArrayEquals(new long[]{3, 3072}, back.latents(2, 5).shape());
    }

    @Test
    void anUnfinishedStoreIsNotAStore(@TempDir Path dir) throws IOException {
        try (PairStore.Writer w = new PairStore.Writer(dir, new long[]{1, 2, 2}, List.of("x"), 10, 0)) {
            w.append(Nd4j.zeros(DataType.FLOAT, 3, 1, 2, 2), Nd4j.zeros(DataType.FLOAT, 3, 1));
        }                                                                 // closed without finish(): abandoned
        try (var left = Files.list(dir.getParent())) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(dir.getFileName() + ".partial-")),
                    "the staging folder is removed");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> PairStore.open(dir));
        assertTrue(e.getMessage().contains("meta.json"), e.getMessage());
    }

    @Test
    void anInterruptedRerunLeavesTheCompleteStoreAsItWas(@TempDir Path dir) throws IOException {
        Path store = dir.resolve("pairs");
        try (PairStore.Writer w = new PairStore.Writer(store, new long[]{1, 2, 2}, List.of("x"), 10, 0)) {
            w.append(Nd4j.ones(DataType.FLOAT, 3, 1, 2, 2), Nd4j.ones(DataType.FLOAT, 3, 1));
            w.finish();
        }
        byte[] latents = Files.readAllBytes(store.resolve("latents.f32"));
        try (PairStore.Writer w = new PairStore.Writer(store, new long[]{1, 2, 2}, List.of("x"), 10, 1)) {
            w.append(Nd4j.zeros(DataType.FLOAT, 1, 1, 2, 2), Nd4j.zeros(DataType.FLOAT, 1, 1));
        }                                                                 // the re-run is interrupted
        PairStore kept = PairStore.open(store);
        assertEquals(3, kept.meta().count());
        assertArrayEquals(latents, Files.readAllBytes(store.resolve("latents.f32")));
        // a re-run that completes replaces it, and nothing else is left beside it
        try (PairStore.Writer w = new PairStore.Writer(store, new long[]{1, 2, 2}, List.of("x"), 10, 2)) {
            w.append(Nd4j.zeros(DataType.FLOAT, 2, 1, 2, 2), Nd4j.zeros(DataType.FLOAT, 2, 1));
            w.finish();
        }
        assertEquals(2, PairStore.open(store).meta().count());
        try (var left = Files.list(dir)) {
            assertEquals(List.of("pairs"), left.map(p -> p.getFileName().toString()).toList());
        }
    }
}
