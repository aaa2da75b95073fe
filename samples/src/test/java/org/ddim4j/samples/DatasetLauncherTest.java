package org.ddim4j.samples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.ddim4j.data.DatasetFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetLauncherTest {
    private static Path miniplaces(Path root) throws IOException {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            String f = "train/c/canyon/0000000" + i + ".jpg";
            int[] c = DatasetFixtures.colour(i);
            DatasetFixtures.jpeg(root.resolve("images").resolve(f), DatasetFixtures.solid(128, 128, c[0], c[1], c[2]));
            list.append(f).append(' ').append(i * 10).append('\n');
        }
        Files.writeString(root.resolve("images").resolve("train/c/canyon/00000009.jpg"), "broken");
        list.append("train/c/canyon/00000009.jpg 3\n");
        Files.writeString(root.resolve("train.txt"), list);
        return root;
    }

    @Test
    void statsPrintsOneJsonLineLast(@TempDir Path dir) throws IOException {
        Path root = miniplaces(dir);
        LauncherTest.Result r = LauncherTest.run("dataset", "stats", "--dataset", "miniplaces", "--root", root.toString(),
                "--split", "train", "--size", "32");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonObject j = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
        assertEquals("miniplaces", j.get("dataset").getAsString());
        assertEquals("train", j.get("split").getAsString());
        assertEquals(5, j.get("count").getAsInt());
        assertEquals(1, j.get("skipped").getAsInt());
        assertEquals("[3,32,32]", j.get("shape").toString());
        assertEquals(100, j.get("classes").getAsInt());
        assertTrue(j.get("attributes").isJsonNull());
        assertTrue(j.get("images_per_second").getAsDouble() > 0);
        r = LauncherTest.run("dataset", "stats", "--dataset", "miniplaces", "--root", root.toString(), "--strict");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("00000009.jpg"), r.err());
    }

    @Test
    void gridWritesAPictureAndBadFlagsAreNamed(@TempDir Path dir) throws IOException {
        Path root = miniplaces(dir);
        Path png = dir.resolve("grid.png");
        LauncherTest.Result r = LauncherTest.run("dataset", "grid", "--dataset", "miniplaces", "--root", root.toString(),
                "--split", "train", "--count", "4", "--size", "16", "--out", png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(ImageIO.read(png.toFile()).getWidth() > 16);
        r = LauncherTest.run("dataset", "stats", "--dataset", "lsun", "--root", root.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("celeba"), r.err());
        r = LauncherTest.run("dataset", "stats", "--dataset", "celeba", "--root", dir.resolve("nowhere").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("img_align_celeba"), r.err());
    }
}
