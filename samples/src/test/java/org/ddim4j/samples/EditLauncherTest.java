package org.ddim4j.samples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.ddim4j.Fixtures;
import org.ddim4j.data.DatasetFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** classifier train, pairs, boundary and edit chained on tiny inputs (the parity network, a 2-class image folder). */
class EditLauncherTest {
    private static final String CONFIG = Fixtures.parityFile("config.yml").toString();
    private static final String WEIGHTS = Fixtures.parityFile("small_unet.safetensors").toString();

    private static JsonObject lastJson(String out) {
        String[] lines = out.strip().split("\n");
        return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
    }

    @Test
    void classifierPairsBoundaryAndEditChain(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("miniplaces");
        StringBuilder train = new StringBuilder();
        StringBuilder val = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            String f = (i < 16 ? "train/" : "val/") + i + ".jpg";
            int label = i % 2;
            DatasetFixtures.jpeg(data.resolve("images").resolve(f), label == 0 ? DatasetFixtures.solid(40, 40, 220, 30, 30)
                    : DatasetFixtures.solid(40, 40, 30, 30, 220));
            (i < 16 ? train : val).append(f).append(' ').append(label).append('\n');
        }
        Files.writeString(data.resolve("train.txt"), train);
        Files.writeString(data.resolve("val.txt"), val);
        Path cls = dir.resolve("cls.zip");
        LauncherTest.Result r = LauncherTest.run("classifier", "train", "--dataset", "miniplaces", "--root", data.toString(),
                "--size", "32", "--epochs", "1", "--batch", "8", "--out", cls.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(cls) && Files.exists(dir.resolve("cls.json")), r.out());
        Path pairs = dir.resolve("pairs");
        r = LauncherTest.run("pairs", "--config", CONFIG, "--weights", WEIGHTS, "--classifier", cls.toString(), "--count", "12",
                "--steps", "2", "--batch", "6", "--out", pairs.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 12 pairs"), r.out());
        Path boundaries = dir.resolve("boundaries");
        r = LauncherTest.run("boundary", "--pairs", pairs.toString(), "--attribute", "class_1", "--method", "logistic",
                "--epochs", "2", "--out", boundaries.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("class_1", lastJson(r.out()).get("attribute").getAsString());
        assertTrue(Files.exists(boundaries.resolve("class_1.npz")) && Files.exists(boundaries.resolve("directions.png")));
        // the SVM on 8x8 block sums: a full-latent unit normal, constant on each block
        Path pooled = dir.resolve("pooled");
        r = LauncherTest.run("boundary", "--pairs", pairs.toString(), "--attribute", "class_1", "--method", "svm",
                "--fraction", "0.5", "--pool", "8", "--out", pooled.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("svm-pool8", lastJson(r.out()).get("method").getAsString());
        org.nd4j.linalg.api.ndarray.INDArray u = org.ddim4j.edit.Boundary.load(pooled.resolve("class_1.npz")).normal();
        assertEquals(3 * 32 * 32, u.length());
        assertEquals(1.0, u.norm2Number().doubleValue(), 1e-5);
        assertEquals(u.getDouble(0), u.getDouble(7 * 32 + 7), 1e-7);
        r = LauncherTest.run("boundary", "--pairs", pairs.toString(), "--pool", "5", "--out", pooled.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("pool size 5") && r.err().contains("32"), r.err());
        Path edit = dir.resolve("edit");
        r = LauncherTest.run("edit", "--config", CONFIG, "--weights", WEIGHTS, "--boundary",
                boundaries.resolve("class_1.npz").toString(), "--seed", "3", "--alphas", "-2:2:3", "--steps", "2",
                "--classifier", cls.toString(), "--out", edit.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject j = lastJson(r.out());
        assertEquals(3, j.getAsJsonArray("scores").size());
        double d0 = j.getAsJsonArray("distances").get(0).getAsDouble();
        double d2 = j.getAsJsonArray("distances").get(2).getAsDouble();
        assertEquals(4.0, d2 - d0, 1e-3);                                 // alphas -2 .. 2 along the unit normal
        assertTrue(Files.exists(edit.resolve("strip.png")) && Files.exists(edit.resolve("edit.gif")));
        // several latents from one seed: one row each, the first the same latent as --seed alone
        Path many = dir.resolve("edit-many");
        r = LauncherTest.run("edit", "--config", CONFIG, "--weights", WEIGHTS, "--boundary",
                boundaries.resolve("class_1.npz").toString(), "--seed", "3", "--count", "2", "--alphas", "-2:2:3",
                "--steps", "2", "--classifier", cls.toString(), "--out", many.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject m = lastJson(r.out());
        assertEquals(2, m.getAsJsonArray("scores").size());
        assertEquals(3, m.getAsJsonArray("mean_scores").size());
        assertEquals(d0, m.getAsJsonArray("distances").get(0).getAsDouble(), 1e-4);
        // the share of latents whose score rose from the first alpha to the last, recomputed from the scores printed
        var rows = m.getAsJsonArray("scores");
        int rising = 0;
        for (int k = 0; k < rows.size(); k++) {
            var row = rows.get(k).getAsJsonArray();
            rising += row.get(row.size() - 1).getAsDouble() > row.get(0).getAsDouble() ? 1 : 0;
        }
        assertEquals(rising / 2.0, m.get("fraction_rising").getAsDouble(), 0.0, "fraction rising: " + m);
        assertArrayEquals(new long[]{6, 3, 32, 32}, org.ddim4j.io.Npz.readArray(many.resolve("latents.npz"), "z").shape());
        r = LauncherTest.run("edit", "--config", CONFIG, "--weights", WEIGHTS, "--boundary",
                boundaries.resolve("class_1.npz").toString(), "--seed", "3", "--count", "2", "--distance", "1",
                "--out", many.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--distance edits one latent"), r.err());
        r = LauncherTest.run("edit", "--config", CONFIG, "--weights", WEIGHTS, "--boundary",
                boundaries.resolve("class_1.npz").toString(), "--seed", "3", "--alphas", "1:2", "--out", edit.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("FROM:TO:COUNT"), r.err());
    }
}
