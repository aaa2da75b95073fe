package org.ddim4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NpzTest {
    @Test
    void theSameArraysGiveTheSameBytesWhenEverWritten(@TempDir Path dir) throws IOException, InterruptedException {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> arrays = new LinkedHashMap<>();
        arrays.put("x", Nd4j.createFromArray(new float[]{1.5f, -2f, 3f}).reshape(3, 1));
        arrays.put("index", Nd4j.createFromArray(new long[]{4, 5, 6}));
        Npz.write(dir.resolve("a.npz"), arrays);
        Thread.sleep(2100);   // zip times have a two-second resolution
        Npz.write(dir.resolve("b.npz"), arrays);
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.npz")), Files.readAllBytes(dir.resolve("b.npz")),
                "a retried Spark task must be able to rewrite a shard byte for byte");
        assertEquals(arrays.get("x"), Npz.readArray(dir.resolve("b.npz"), "x"));
        assertArrayEquals(new long[]{4, 5, 6}, Npz.readArray(dir.resolve("b.npz"), "index").toLongVector());
    }
}
