package org.ddim4j.metrics;

import org.ddim4j.random.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FeatureCacheTest {
    private static final FeatureCache.Key KEY = new FeatureCache.Key("emoji", "train", 32, 10, "emoji", "a".repeat(64), 4, "x");

    private static Supplier<INDArray> counting(AtomicInteger calls, long seed) {
        return () -> {
            calls.incrementAndGet();
            return Seeds.gaussian(seed, 10, 4);
        };
    }

    @Test
    void featuresAreComputedOnceAndReadBack(@TempDir Path dir) throws IOException {
        FeatureCache cache = new FeatureCache(dir);
        AtomicInteger calls = new AtomicInteger();
        INDArray first = cache.getOrCompute(KEY, counting(calls, 1));
        INDArray second = cache.getOrCompute(KEY, counting(calls, 2));
        assertEquals(1, calls.get());
        assertEquals(first, second);
    }

    @Test
    void otherWeightsOrAnotherListingAreRecomputed(@TempDir Path dir) throws IOException {
        FeatureCache cache = new FeatureCache(dir);
        AtomicInteger calls = new AtomicInteger();
        cache.getOrCompute(KEY, counting(calls, 1));
        var otherWeights = new FeatureCache.Key("emoji", "train", 32, 10, "emoji", "b".repeat(64), 4, "x");
        assertEquals(Seeds.gaussian(2, 10, 4), cache.getOrCompute(otherWeights, counting(calls, 2)));
        var otherListing = new FeatureCache.Key("emoji", "train", 32, 10, "emoji", "a".repeat(64), 4, "y");
        assertEquals(Seeds.gaussian(3, 10, 4), cache.getOrCompute(otherListing, counting(calls, 3)));
        assertEquals(3, calls.get());
    }

    @Test
    void aDamagedOrStaleEntryIsRecomputedNotTrusted(@TempDir Path dir) throws IOException {
        FeatureCache cache = new FeatureCache(dir);
        AtomicInteger calls = new AtomicInteger();
        cache.getOrCompute(KEY, counting(calls, 1));
        Path file = cache.file(KEY);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(file, bytes);
        assertEquals(Seeds.gaussian(2, 10, 4), cache.getOrCompute(KEY, counting(calls, 2)));
        Path sidecar = file.resolveSibling(file.getFileName().toString().replace(".npz", ".json"));
        Files.writeString(sidecar, "{not json");
        assertEquals(Seeds.gaussian(3, 10, 4), cache.getOrCompute(KEY, counting(calls, 3)));
        assertEquals(3, calls.get());
        assertEquals(Seeds.gaussian(3, 10, 4), cache.getOrCompute(KEY, counting(calls, 4)), "the rewritten entry is valid");
        assertEquals(3, calls.get());
    }
}
