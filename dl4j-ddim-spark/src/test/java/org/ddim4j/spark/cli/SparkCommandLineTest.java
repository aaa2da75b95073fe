package org.ddim4j.spark.cli;

import org.ddim4j.io.Npz;
import org.ddim4j.spark.SparkTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkCommandLineTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkDdim.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sparkSampleWritesShardsAndAnIndexAndNamesBadValues(@TempDir Path dir) throws IOException {
        SparkTests.stop();   // the command starts its own context
        Path model = SparkTests.tinyModelFile(dir);
        Path out = dir.resolve("out");
        Result r = run("sample", "--master", "local[2]", "--weights", model.toString(), "--count", "5", "--steps", "2",
                "--skip", "uniform", "--shard-size", "2", "--batch", "2", "--seed", "3", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 5 samples in 3 shards (3 run now, 0 complete before)"), r.out());
        assertArrayEquals(new long[]{4}, Npz.readArray(out.resolve("samples-00002.npz"), "index").toLongVector());
        assertTrue(Files.readString(out.resolve("index.json")).contains("\"count\": 5"));
        // bad values: one line naming the value, exit 1; bad flags exit 2
        r = run("sample", "--master", "local[2]", "--weights", model.toString(), "--count", "0", "--out", out.toString());
        assertEquals(1, r.code());
        assertEquals("ddim spark sample: error: sample count must be positive, got 0", r.err().strip());
        r = run("sample", "--master", "local[2]", "--weights", model.toString(), "--count", "2", "--skip", "sideways", "--out", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ddim spark sample: ") && r.err().contains("sideways"), r.err());
        r = run("sample", "--master", "local[2]", "--conf", "nokey", "--weights", model.toString(), "--count", "2", "--out", "x");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--conf takes KEY=VALUE, got 'nokey'"), r.err());
        r = run("train", "--master", "local[2]", "--out", dir.resolve("run").toString(), "--workers", "2");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--config is required"), r.err());
        r = run("frobnicate");
        assertEquals(2, r.code());
    }
}
