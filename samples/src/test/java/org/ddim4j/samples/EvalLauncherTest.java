package org.ddim4j.samples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.ddim4j.io.Npz;
import org.ddim4j.random.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.ddim4j.samples.LauncherTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalLauncherTest {
    private static JsonObject lastJson(String out) {
        List<String> lines = out.lines().toList();
        return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    }

    @Test
    void trainingMeasuresKidAndEvalMeasuresSamplesAgainstTheDatasetAndTheFloor(@TempDir Path dir) throws IOException {
        Path root = TinyRun.fakeEmoji(dir);
        Path config = TinyRun.config(dir, 4, 2, 4);
        Files.writeString(config, Files.readString(config) + "evaluation:\n    kid_every: 2\n    kid_samples: 6\n");
        Path runDir = dir.resolve("run");
        LauncherTest.Result r = run("train", "--config", config.toString(), "--data-root", root.toString(), "--out",
                runDir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("iteration 2: KID x1000"), r.out());
        List<String> kid = Files.readAllLines(runDir.resolve("kid.csv"));
        assertEquals(List.of("iteration", "kid", "kid_std", "floor", "floor_std"), List.of(kid.get(0).split(",")));
        assertEquals(3, kid.size(), "rows at iterations 2 and 4");
        assertTrue(Files.size(runDir.resolve("kid.png")) > 1000);
        assertTrue(Files.readString(runDir.resolve("index.html")).contains("kid.png"));

        Path out = dir.resolve("eval");
        r = run("eval", "--weights", runDir.toString(), "--dataset", "emoji", "--root", root.toString(), "--count", "12",
                "--batch", "8", "--steps", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject json = lastJson(r.out());
        JsonObject samples = json.getAsJsonObject("samples");
        assertEquals(12, samples.get("n_generated").getAsInt());
        assertTrue(Double.isFinite(samples.get("kid_mean").getAsDouble()));
        assertTrue(samples.get("fid").isJsonNull(), "12 samples are too few for 64 features");
        assertTrue(samples.get("notes").toString().contains("at least 65"), samples.toString());
        assertTrue(samples.get("memorised_share").getAsDouble() >= 0);
        assertFalse(json.get("floor").isJsonNull(), "the fake set's 2 validation images give a floor");
        for (String f : new String[]{"metrics.json", "samples.png", "memorisation.png", "features.npz"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(64, Npz.readArray(out.resolve("features.npz"), "features").size(1));
        // the same seed gives the same samples and figures
        LauncherTest.Result again = run("eval", "--weights", runDir.toString(), "--dataset", "emoji", "--root",
                root.toString(), "--count", "12", "--batch", "8", "--steps", "2", "--out", dir.resolve("eval2").toString());
        assertEquals(samples.get("kid_mean"), lastJson(again.out()).getAsJsonObject("samples").get("kid_mean"));
        // the fake set has no test split
        LauncherTest.Result empty = run("eval", "--weights", runDir.toString(), "--dataset", "emoji", "--root",
                root.toString(), "--split", "test", "--count", "4", "--steps", "2", "--out", dir.resolve("eval3").toString());
        assertEquals(1, empty.code());
        assertTrue(empty.err().contains("emoji test: the split holds no images"), empty.err());
    }

    @Test
    void compareComputesEveryMetricFromTwoFeatureFiles(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.npz");
        Path b = dir.resolve("b.npz");
        Npz.write(a, Map.of("features", Seeds.gaussian(1, 100, 8)));
        Npz.write(b, Map.of("features", Seeds.gaussian(2, 120, 8).add(0.5)));
        LauncherTest.Result r = run("eval", "compare", "--a", a.toString(), "--b", b.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject json = lastJson(r.out());
        double fid = json.get("fid").getAsDouble();
        assertTrue(fid > 8 * 0.25 * 0.5 && fid < 8 * 0.25 * 2, "the means differ by 0.5 in each of 8 dimensions: " + fid);
        assertTrue(json.get("kid_mean").getAsDouble() > 0);
        assertTrue(json.get("precision").getAsDouble() > 0 && json.get("recall").getAsDouble() > 0);
        assertTrue(r.out().contains("KID x1000"), r.out());
    }

    @Test
    void badFeatureFilesAndFlagsGiveOneLineErrors(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.npz");
        Path wrong = dir.resolve("wrong.npz");
        Path narrow = dir.resolve("narrow.npz");
        Npz.write(a, Map.of("features", Seeds.gaussian(1, 20, 8)));
        Npz.write(wrong, Map.of("x", Seeds.gaussian(1, 20, 8)));
        Npz.write(narrow, Map.of("features", Seeds.gaussian(1, 20, 4)));
        LauncherTest.Result r = run("eval", "compare", "--a", a.toString(), "--b", wrong.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("wrong.npz: no array 'features'") && r.err().lines().count() == 1, r.err());
        r = run("eval", "compare", "--a", a.toString(), "--b", narrow.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("different widths: 8 and 4"), r.err());
        r = run("eval", "features", "--features", "vgg", "--images", dir.toString(), "--output", dir.resolve("f.npz").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--features must be emoji"), r.err());
        r = run("eval", "features", "--features", "inception=" + dir.resolve("missing.pth"), "--images", dir.toString(),
                "--output", dir.resolve("f.npz").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("Inception weights not found") && r.err().contains("offline"), r.err());
    }

    /** A folder of {@code count} black PNG images of size x size, named 0.png, 1.png, ... */
    private static Path blackImages(Path dir, int count, int size) throws IOException {
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        for (int i = 0; i < count; i++) {
            ImageIO.write(new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB), "png", images.resolve(i + ".png").toFile());
        }
        return images;
    }

    @Test
    void featuresOfAFolderOfImages(@TempDir Path dir) throws IOException {
        Path images = blackImages(dir, 3, 16);
        Path f = dir.resolve("f.npz");
        LauncherTest.Result r = run("eval", "features", "--images", images.toString(), "--output", f.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(3L, 64L), List.of(Npz.readArray(f, "features").shape()[0], Npz.readArray(f, "features").shape()[1]));
        ImageIO.write(new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB), "png", images.resolve("9.png").toFile());
        r = run("eval", "features", "--images", images.toString(), "--output", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("9.png: 20x16 pixels, but 0.png has 16x16"), r.err());
    }

    @Test
    void inceptionFeaturesFromAPthFileAreRefusedUnlessPublishedOrUnchecked(@TempDir Path dir) throws IOException {
        Path images = blackImages(dir, 2, 32);
        Path pth = dir.resolve("other-inception.pth");
        org.ddim4j.io.TorchZipWriter.write(pth, "archive", org.ddim4j.metrics.SyntheticInceptionWeights.stateDict());
        Path f = dir.resolve("f.npz");
        LauncherTest.Result r = run("eval", "features", "--features", "inception=" + pth, "--images", images.toString(),
                "--output", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(org.ddim4j.io.Sha256.hex(pth)) && r.err().contains(org.ddim4j.metrics.InceptionWeights.SHA256),
                r.err());
        r = run("eval", "features", "--features", "inception=" + pth, "--inception-unchecked", "--images", images.toString(),
                "--output", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("not-comparable"), r.out());
        assertEquals(2048, Npz.readArray(f, "features").size(1));
    }
}
