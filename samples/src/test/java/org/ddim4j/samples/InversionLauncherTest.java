package org.ddim4j.samples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.ddim4j.Fixtures;
import org.ddim4j.image.Images;
import org.ddim4j.io.Npz;
import org.ddim4j.data.DatasetFixtures;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** invert, train-encoder and interpolate on the parity network (random weights: files and shapes, not quality). */
class InversionLauncherTest {
    private static final String CONFIG = Fixtures.parityFile("config.yml").toString();
    private static final String WEIGHTS = Fixtures.parityFile("small_unet.safetensors").toString();

    private static Path image(Path dir, String name, long seed) throws IOException {
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), 3, 40, 48).castTo(DataType.FLOAT)
                .muli(2).subi(1);
        Path file = dir.resolve(name);
        Images.writePng(Images.toImage(x), file);                // 48x40: resized and centre-cropped to 32x32
        return file;
    }

    private static List<JsonObject> jsonLines(String out) {
        return out.lines().filter(l -> l.startsWith("{")).map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }

    @Test
    void invertWritesLatentsReconstructionsGifsAndOneJsonLinePerImage(@TempDir Path dir) throws IOException {
        Path a = image(dir, "a.png", 1);
        Path b = image(dir, "b.png", 2);
        Path out = dir.resolve("inv");
        LauncherTest.Result r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "hybrid",
                "--steps", "4", "--iterations", "2", "--image", a.toString(), "--image", b.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<JsonObject> lines = jsonLines(r.out());
        assertEquals(2, lines.size(), r.out());
        assertEquals("hybrid", lines.get(0).get("method").getAsString());
        assertEquals(4, lines.get(0).get("steps").getAsInt());
        assertTrue(lines.get(1).has("psnr") && lines.get(1).has("ssim") && lines.get(1).has("seconds"));
        for (String stem : List.of("a", "b")) {
            assertArrayEquals(new long[]{1, 3, 32, 32}, Npz.readArray(out.resolve(stem + ".latent.npz"), "z").shape());
            assertTrue(Files.size(out.resolve(stem + ".png")) > 0 && Files.size(out.resolve(stem + ".gif")) > 0);
        }
        assertEquals(2, Files.readAllLines(out.resolve("results.jsonl")).size());
    }

    @Test
    void interpolateBetweenALatentAndAnImage(@TempDir Path dir) throws IOException {
        Path z = dir.resolve("z.npz");
        Npz.write(z, java.util.Map.of("z", Nd4j.randn(DataType.FLOAT, 1, 3, 32, 32)));
        Path out = dir.resolve("interp");
        LauncherTest.Result r = LauncherTest.run("interpolate", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "2",
                "--from", z.toString(), "--to", image(dir, "b.png", 3).toString(), "--frames", "5", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject summary = jsonLines(r.out()).get(0);
        assertEquals(5, summary.get("frames").getAsInt());
        assertEquals(5, summary.getAsJsonArray("slerp_norms").size());
        for (int i = 0; i < 5; i++) {
            assertTrue(Files.exists(out.resolve(String.format("frame-%02d.png", i))));
        }
        assertTrue(Files.exists(out.resolve("strip.png")) && Files.exists(out.resolve("interpolation.gif")));
        assertArrayEquals(new long[]{5, 3, 32, 32}, Npz.readArray(out.resolve("latents.npz"), "lerp").shape());
    }

    /** A 2-step encoder trained from scratch on the fixture network; asserts that the command succeeded. */
    private static LauncherTest.Result trainEncoder(Path out, int pairs, int latentSteps, int imageSteps) {
        LauncherTest.Result r = LauncherTest.run("train-encoder", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "2",
                "--pairs", String.valueOf(pairs), "--latent-steps", String.valueOf(latentSteps), "--image-steps",
                String.valueOf(imageSteps), "--batch", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @Test
    void trainEncoderWritesAModelFileThatInvertLoads(@TempDir Path dir) throws IOException {
        Path enc = dir.resolve("enc.ddim");
        LauncherTest.Result r = trainEncoder(enc, 4, 2, 1);
        assertTrue(r.out().contains("wrote the encoder"), r.out());
        r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "encoder", "--encoder",
                enc.toString(), "--steps", "2", "--image", image(dir, "a.png", 4).toString(), "--out", dir.resolve("o").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("encoder", jsonLines(r.out()).get(0).get("method").getAsString());
    }

    @Test
    void trainEncoderContinuesOnADatasetsImagesWithoutDrawingPairs(@TempDir Path dir) throws IOException {
        Path enc = dir.resolve("enc.ddim");
        LauncherTest.Result r = trainEncoder(enc, 2, 1, 0);
        Path data = dir.resolve("miniplaces");
        StringBuilder train = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            DatasetFixtures.jpeg(data.resolve("images/train/" + i + ".jpg"), DatasetFixtures.solid(40, 40, 60 * i, 90, 200));
            train.append("train/").append(i).append(".jpg 0\n");
        }
        Files.writeString(data.resolve("train.txt"), train);
        Files.writeString(data.resolve("val.txt"), "");
        Path enc2 = dir.resolve("enc2.ddim");
        r = LauncherTest.run("train-encoder", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "2", "--init",
                enc.toString(), "--latent-steps", "0", "--image-steps", "1", "--batch", "2", "--images", "miniplaces",
                "--data-root", data.toString(), "--out", enc2.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("image objective on 3 training images of miniplaces"), r.out());
        assertFalse(r.out().contains("pairs "), r.out());
        assertTrue(r.out().contains("wrote the encoder"), r.out());
        assertTrue(Files.size(enc2) > 0);
        r = LauncherTest.run("train-encoder", "--config", CONFIG, "--weights", WEIGHTS, "--latent-steps", "0",
                "--images", "nosuch", "--out", enc2.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown dataset 'nosuch'"), r.err());
        r = LauncherTest.run("train-encoder", "--config", CONFIG, "--weights", WEIGHTS, "--init", dir.resolve("missing.ddim")
                .toString(), "--out", enc2.toString());
        assertTrue(r.code() != 0 && r.err().contains("missing.ddim"), r.err());
    }

    @Test
    void invertCompareWritesTheChosenRowsAndRefusesUnknownOnes(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("cmp");
        LauncherTest.Result r = LauncherTest.run("invert-compare", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "2",
                "--iterations", "2:1", "--rows", "ode,ode-fp,hybrid-ode-fp", "--fixed-point", "2",
                "--image", image(dir, "a.png", 1).toString(), "--image", image(dir, "b.png", 2).toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> table = Files.readAllLines(out.resolve("table.md"));
        assertEquals(5, table.size(), String.join("\n", table));
        assertTrue(table.get(2).startsWith("| 2 | ode | - |"), table.get(2));
        assertTrue(table.get(3).startsWith("| 2 | ode (fixed point, 2) | - |"), table.get(3));
        assertTrue(table.get(4).startsWith("| 2 | hybrid (ode (fixed point, 2) start) | 1 |"), table.get(4));
        assertTrue(Files.size(out.resolve("S2-ode-fixed-point-2.png")) > 0);
        r = LauncherTest.run("invert-compare", "--config", CONFIG, "--weights", WEIGHTS, "--rows", "ode,magic",
                "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown row 'magic'"), r.err());
    }

    @Test
    void badInputsAreNamed(@TempDir Path dir) throws IOException {
        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not an image");
        LauncherTest.Result r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "ode",
                "--image", broken.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("broken.png") && r.err().contains("not a decodable image"), r.err());
        r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "magic",
                "--image", broken.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("optimize, ode, encoder, hybrid, edict or bdia"), r.err());
        r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "encoder",
                "--image", broken.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--encoder"), r.err());
        r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--loss", "mae",
                "--image", broken.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("psnr, ssim, l1, l2 or linf"), r.err());
    }
}
