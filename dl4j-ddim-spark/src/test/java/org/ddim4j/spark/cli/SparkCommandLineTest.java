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
        // a class-conditional model's --class and --guidance, refused in one line where they cannot apply
        r = run("sample", "--master", "local[2]", "--weights", model.toString(), "--count", "2", "--class", "heart",
                "--out", dir.resolve("c").toString());
        assertEquals(1, r.code());
        assertEquals("ddim spark sample: error: --class: classes [heart] asked of an unconditional model "
                + "(network.class_conditional is false)", r.err().strip());
        Path cc = dir.resolve("cc.ddim");
        org.ddim4j.model.ModelFile.save(SparkTests.tinyConditionalModel(), cc);
        r = run("sample", "--master", "local[2]", "--weights", cc.toString(), "--count", "2", "--steps", "2",
                "--class", "b", "--guidance", "-1", "--out", dir.resolve("c").toString());
        assertEquals(1, r.code());
        assertEquals("ddim spark sample: error: guidance must be a finite number >= 0, got -1.0", r.err().strip());
        r = run("sample", "--master", "local[2]", "--weights", cc.toString(), "--count", "2", "--steps", "2",
                "--class", "b", "--guidance", "1", "--out", dir.resolve("c").toString());
        assertEquals(0, r.code(), r.err());
        String job = Files.readString(dir.resolve("c").resolve("job.json"));
        assertTrue(job.contains("classes\\u003d[b]") && job.contains("\"guidance\": 1.0"), job); // Gson writes = as \\u003d
        r = run("sample", "--master", "local[2]", "--weights", cc.toString(), "--count", "2", "--steps", "2",
                "--class", "b", "--guidance", "2", "--out", dir.resolve("c").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("holds the output of another job"), "another guidance is another job: " + r.err());
    }
}
