package org.ddim4j.samples;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import org.ddim4j.Fixtures;
import org.ddim4j.edit.Boundary;
import org.ddim4j.image.Images;
import org.ddim4j.io.Npz;
import org.ddim4j.random.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --method edict|bdia}, the Anderson fixed point and {@code --sampler} on the inversion commands, on the parity
 * network with images it never saw (uniform noise): latent pairs written, interpolated and edited as pairs.
 */
class ExactInversionLauncherTest {
    private static final String CONFIG = Fixtures.parityFile("config.yml").toString();
    private static final String WEIGHTS = Fixtures.parityFile("small_unet.safetensors").toString();

    private static Path noiseImage(Path dir, String name, long seed) throws Exception {
        Path p = dir.resolve(name + ".png");
        Images.writePng(Images.toImage(Seeds.uniform(seed, -1, 1, 3, 32, 32)), p);
        return p;
    }

    private static List<JsonObject> lines(String out) {
        return out.lines().filter(l -> l.startsWith("{")).map(l -> new Gson().fromJson(l, JsonObject.class)).toList();
    }

    private static boolean samePixels(Path a, Path b) throws Exception {
        BufferedImage x = ImageIO.read(a.toFile());
        BufferedImage y = ImageIO.read(b.toFile());
        for (int i = 0; i < x.getWidth(); i++) {
            for (int j = 0; j < x.getHeight(); j++) {
                if ((x.getRGB(i, j) & 0xffffff) != (y.getRGB(i, j) & 0xffffff)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void exactMethodsInvertWritePairsAndInterpolateThem(@TempDir Path dir) throws Exception {
        Path a = noiseImage(dir, "a", 1);
        Path b = noiseImage(dir, "b", 2);
        for (String method : new String[]{"edict", "bdia"}) {
            Path out = dir.resolve(method);
            LauncherTest.Result r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", method,
                    "--steps", "5", "--image", a.toString(), b.toString(), "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            for (JsonObject line : lines(r.out())) {
                assertEquals(method, line.get("sampler").getAsString());
                assertTrue(line.get("psnr").getAsDouble() >= 60, r.out());
            }
            Map<String, INDArray> latent = Npz.read(out.resolve("a.latent.npz"));
            assertEquals(DataType.DOUBLE, latent.get("y_" + method).dataType(), "the pair is kept in double");
            Path frames = dir.resolve(method + "-path");
            r = LauncherTest.run("interpolate", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "5", "--frames", "3",
                    "--from", out.resolve("a.latent.npz").toString(), "--to", out.resolve("b.latent.npz").toString(),
                    "--out", frames.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(samePixels(frames.resolve("frame-00.png"), a) && samePixels(frames.resolve("frame-02.png"), b),
                    method + ": the path's ends are the images themselves");
        }
        LauncherTest.Result mixed = LauncherTest.run("interpolate", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "5",
                "--from", dir.resolve("edict/a.latent.npz").toString(), "--to", dir.resolve("bdia/b.latent.npz").toString(),
                "--out", dir.resolve("mixed").toString());
        assertEquals(1, mixed.code());
        assertTrue(mixed.err().contains("must be latents of one kind"), mixed.err());
    }

    @Test
    void editMovesBothArraysOfAPairAndZeroMovesNothing(@TempDir Path dir) throws Exception {
        Path a = noiseImage(dir, "a", 3);
        LauncherTest.Result r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "bdia",
                "--steps", "4", "--image", a.toString(), "--out", dir.resolve("inv").toString());
        assertEquals(0, r.code(), r.err());
        INDArray normal = Seeds.gaussian(7, 3 * 32 * 32);
        normal.divi(normal.norm2Number());
        Path boundary = dir.resolve("b.npz");
        new Boundary("test", "logistic", normal, 0.0, 1.0, Double.NaN, new long[]{3, 32, 32}).save(boundary);
        Path edit = dir.resolve("edit");
        r = LauncherTest.run("edit", "--config", CONFIG, "--weights", WEIGHTS, "--steps", "4", "--boundary", boundary.toString(),
                "--latent", dir.resolve("inv/a.latent.npz").toString(), "--alphas", "0:4:2", "--out", edit.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(edit.resolve("strip.png")));
        // alpha 0 decodes the unmoved pair: the strip's first cell is the image itself
        BufferedImage strip = ImageIO.read(edit.resolve("strip.png").toFile());
        BufferedImage image = ImageIO.read(a.toFile());
        int differing = 0;
        for (int i = 0; i < 32; i++) {
            for (int j = 0; j < 32; j++) {
                differing += (strip.getRGB(i + stripOffset(strip), j + stripOffset(strip)) & 0xffffff) != (image.getRGB(i, j) & 0xffffff) ? 1 : 0;
            }
        }
        assertEquals(0, differing, "alpha 0 of a pair reconstructs the image");
    }

    /** The padding {@link Images#grid} puts around cells (the same on both axes). */
    private static int stripOffset(BufferedImage strip) {
        return (strip.getHeight() - 32) / 2;
    }

    @Test
    void andersonReportsConvergenceAndOtherSamplersDecodeOdeLatents(@TempDir Path dir) throws Exception {
        Path a = noiseImage(dir, "a", 4);
        LauncherTest.Result r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "ode",
                "--fixed-point", "30", "--anderson", "3", "--steps", "5", "--image", a.toString(), "--out", dir.resolve("fp").toString());
        assertEquals(0, r.code(), r.err());
        JsonObject line = lines(r.out()).get(0);
        assertTrue(line.has("converged") && line.has("residual") && line.has("evaluations"), r.out());
        r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "ode", "--sampler", "dpm++2m",
                "--steps", "5", "--image", a.toString(), "--out", dir.resolve("dpm").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("dpm++2m", lines(r.out()).get(0).get("sampler").getAsString());
        // optimisation differentiates the chosen sampler (unrolled): PSNR does not fall over its iterations
        r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "optimize", "--sampler", "unipc",
                "--steps", "4", "--iterations", "5", "--lr", "0.05", "--image", a.toString(), "--out", dir.resolve("opt").toString());
        assertEquals(0, r.code(), r.err());
        List<Double> psnr = r.out().lines().filter(l -> l.startsWith("iteration ")).map(l -> Double.parseDouble(
                l.replaceAll(".*mean PSNR ([0-9.]+) dB.*", "$1"))).toList();
        assertTrue(psnr.size() >= 2 && psnr.get(psnr.size() - 1) > psnr.get(0), "PSNR over the iterations: " + psnr);
        assertEquals("unipc", lines(r.out()).get(0).get("sampler").getAsString());
    }

    @Test
    void contradictoryChoicesAreUsageErrors(@TempDir Path dir) throws Exception {
        String img = noiseImage(dir, "a", 5).toString();
        String out = dir.resolve("o").toString();
        String[][] cases = {
                {"--method", "edict", "--sampler", "unipc"},
                {"--method", "ode", "--sampler", "bdia"},
                {"--method", "edict", "--gamma", "0.5"},
                {"--method", "bdia", "--gamma", "0"},
                {"--method", "ode", "--anderson", "3"},
                {"--method", "fancy"},
        };
        String[] messages = {"drop --sampler unipc", "use --method bdia",
                "--gamma goes with the bdia sampler", "BDIA gamma must be in (0, 1]", "need --fixed-point K",
                "expected optimize, ode, encoder, hybrid, edict or bdia"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[9 + cases[i].length];
            System.arraycopy(new String[]{"invert", "--config", CONFIG, "--weights", WEIGHTS, "--image", img, "--out", out}, 0, args, 0, 9);
            System.arraycopy(cases[i], 0, args, 9, cases[i].length);
            LauncherTest.Result r = LauncherTest.run(args);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertTrue(r.err().contains(messages[i]), String.join(" ", cases[i]) + ": " + r.err());
        }
    }

    @Test
    void invertNeverOverwritesItsInputsNorOneOutputWithAnother(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path a = noiseImage(images, "face", 6);
        byte[] before = Files.readAllBytes(a);
        LauncherTest.Result r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "ode",
                "--steps", "2", "--image", a.toString(), "--out", images.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("would overwrite the input image"), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(a)), "the input is untouched");
        Path other = Files.createDirectories(dir.resolve("other"));
        Path b = noiseImage(other, "face", 7);
        Path out = dir.resolve("out");
        r = LauncherTest.run("invert", "--config", CONFIG, "--weights", WEIGHTS, "--method", "ode", "--steps", "2",
                "--image", a.toString(), b.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("face.png")) && Files.exists(out.resolve("face-2.png"))
                && Files.exists(out.resolve("face-2.latent.npz")), "two inputs named face get face and face-2");
    }
}
