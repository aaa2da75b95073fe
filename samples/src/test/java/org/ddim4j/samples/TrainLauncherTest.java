package org.ddim4j.samples;

import org.ddim4j.model.CheckpointFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.ddim4j.samples.LauncherTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainLauncherTest {
    @Test
    void trainsResumesAndSamplesFromTheRunFolder(@TempDir Path dir) throws IOException {
        Path root = TinyRun.fakeEmoji(dir);
        Path config = TinyRun.config(dir, 3, 2, 2);
        Path runDir = dir.resolve("run");
        LauncherTest.Result r = run("train", "--config", config.toString(), "--data-root", root.toString(), "--out",
                runDir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stopped at iteration 3"), r.out());
        assertEquals(3, CheckpointFile.read(runDir.resolve("checkpoint.ckpt")).iteration());
        assertTrue(Files.exists(runDir.resolve("samples/iter-0000002.png")));
        assertTrue(Files.exists(runDir.resolve("loss.png")));

        r = run("train", "--out", runDir.toString(), "--resume", "--iterations", "5", "--data-root", root.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resuming") && r.out().contains("stopped at iteration 5"), r.out());
        assertEquals(6, Files.readAllLines(runDir.resolve("loss.csv")).size());

        Path png = dir.resolve("s.png");
        Path gif = dir.resolve("s.gif");
        r = run("sample", "--weights", runDir.toString(), "--count", "4", "--output", png.toString(), "--gif", gif.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(2 * 10 + 2, ImageIO.read(png.toFile()).getWidth());
        assertTrue(ImageIO.getImageReadersByFormatName("gif").next() != null && Files.size(gif) > 100);
        r = run("sample", "--weights", runDir.resolve("checkpoint.ckpt").toString(), "--count", "1", "--output",
                dir.resolve("c.npz").toString());
        assertEquals(0, r.code(), r.err());

        r = run("train", "--config", config.toString(), "--data-root", root.toString(), "--out", runDir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--resume"), r.err());
    }

    @Test
    void resumeSaysWhatTheCheckpointOverridesAndKeepsItsDataset(@TempDir Path dir) throws IOException {
        Path root = TinyRun.fakeEmoji(dir);
        Path config = TinyRun.config(dir, 2, 2, 2);
        Path runDir = dir.resolve("run");
        assertEquals(0, run("train", "--config", config.toString(), "--data-root", root.toString(), "--out",
                runDir.toString()).code());
        Path other = dir.resolve("other.yml");
        Files.writeString(other, Files.readString(config).replace("dropout: 0.1", "dropout: 0.2"));
        LauncherTest.Result r = run("train", "--out", runDir.toString(), "--resume", "--config", other.toString(),
                "--iterations", "3", "--data-root", root.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("--config differs in [network.dropout]"), r.out());
        r = run("train", "--out", runDir.toString(), "--resume", "--dataset", "celeba", "--data-root", root.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("continues the run on its dataset, emoji") && r.err().contains("--switch-dataset"), r.err());
    }

    @Test
    void badConfigValuesAndMissingDatasetsFailClearly(@TempDir Path dir) throws IOException {
        Path tiny = TinyRun.config(dir, 3, 2, 2);
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, Files.readString(tiny).replace("num_groups: 4", "num_groups: 3"));
        LauncherTest.Result r = run("train", "--config", bad.toString(), "--out", dir.resolve("r").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.yml: network.num_groups = 3"), r.err());

        r = run("train", "--config", tiny.toString(), "--dataset", "celeba", "--data-root", dir.resolve("no-celeba").toString(),
                "--out", dir.resolve("r").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("img_align_celeba") && r.err().contains("mmlab"), r.err());   // what and where from
        r = run("train", "--config", tiny.toString(), "--dataset", "mnist", "--out", dir.resolve("r").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown dataset 'mnist'"), r.err());

        String previous = System.getProperty("ddim4j.npm");
        System.setProperty("ddim4j.npm", dir.resolve("no-npm").toString());
        try {
            r = run("train", "--config", tiny.toString(), "--data-root", dir.resolve("empty").toString(), "--out",
                    dir.resolve("r").toString());
        } finally {
            if (previous == null) {
                System.clearProperty("ddim4j.npm");
            } else {
                System.setProperty("ddim4j.npm", previous);
            }
        }
        assertEquals(1, r.code());
        assertTrue(r.err().contains("npm pack emoji-datasource-google@16.0.0"), r.err());

        r = run("train", "--out", dir.resolve("nothing").toString(), "--resume");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("checkpoint not found"), r.err());

        r = run("train", "--config", "no-such-preset", "--out", dir.resolve("r").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("Config file not found") && r.err().contains("emoji_demo"), r.err());
    }

    /**
     * A class-conditional run on the fake emoji set (labelled by category) records its classes, samples one of them
     * with guidance, and names its classes when asked for another; an unconditional model refuses --class.
     */
    @Test
    void aClassConditionalRunSamplesTheClassItIsAskedFor(@TempDir Path dir) throws IOException {
        Path root = TinyRun.fakeEmoji(dir);
        Path tiny = TinyRun.config(dir, 2, 2, 2);
        Path config = dir.resolve("conditional.yml");
        Files.writeString(config, Files.readString(tiny).replace("num_groups: 4", "num_groups: 4\n    class_conditional: true"));
        Path runDir = dir.resolve("run");
        LauncherTest.Result r = run("train", "--config", config.toString(), "--data-root", root.toString(), "--out", runDir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(java.util.List.of("Flags", "Smileys & Emotion"),
                CheckpointFile.read(runDir.resolve("checkpoint.ckpt")).config().network().classNames());
        String png = dir.resolve("flags.png").toString();
        r = run("sample", "--weights", runDir.toString(), "--class", "Flags", "--guidance", "1.5", "--count", "2", "--output", png);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("class Flags, guidance 1.5"), r.out());
        assertTrue(Files.size(Path.of(png)) > 0);
        r = run("sample", "--weights", runDir.toString(), "--class", "Hearts", "--output", png);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--class: unknown class 'Hearts'; the model's classes are [Flags, Smileys & Emotion]"), r.err());
        r = run("sample", "--weights", runDir.toString(), "--guidance", "-1", "--output", png);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--guidance must be a finite number >= 0, got -1.0"), r.err());
        r = run("sample", "--weights", runDir.toString(), "--class", "Flags", "--class", "Smileys & Emotion", "--count", "2", "--output", png);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("classes Flags, Smileys & Emotion, guidance 0.0"), r.out());

        // eval of one class: its samples drawn as that class (the JSON says which), measured against the dataset given
        r = run("eval", "--weights", runDir.toString(), "--dataset", "emoji", "--root", root.toString(), "--class", "Flags",
                "--count", "4", "--steps", "2", "--out", dir.resolve("eval-flags").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"guidance\":0.0,\"classes\":[\"Flags\"]"), r.out());
        r = run("eval", "--weights", runDir.toString(), "--dataset", "emoji", "--root", root.toString(), "--class", "Flags",
                "--class", "Flags", "--count", "4", "--steps", "2", "--out", dir.resolve("eval-flags").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--class: class 'Flags' is given twice"), r.err());

        // editing by class: two latents, each decoded at strengths 0, 1, 2 (a strip row each); strength 0 is the
        // null class's decoding of the latent, as ./ddim edit's boundary edits decode at alpha 0
        Path edit = dir.resolve("edit");
        r = run("edit", "--weights", runDir.toString(), "--to-class", "Flags", "--seed", "3", "--count", "2",
                "--alphas", "0:2:3", "--steps", "2", "--out", edit.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"attribute\":\"Flags\",\"by\":\"class\",\"alphas\":[0.0,1.0,2.0]"), r.out());
        assertTrue(Files.exists(edit.resolve("strip.png")) && Files.exists(edit.resolve("edit.gif")));
        assertArrayEquals(new long[]{2, 3, 8, 8}, org.ddim4j.io.Npz.readArray(edit.resolve("latents.npz"), "z").shape());
        r = run("edit", "--weights", runDir.toString(), "--to-class", "Hearts", "--seed", "3", "--out", edit.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--to-class: unknown class 'Hearts'; the model's classes are [Flags, Smileys & Emotion]"), r.err());
        r = run("edit", "--weights", runDir.toString(), "--to-class", "Flags", "--seed", "3", "--distance", "1", "--out", edit.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--distance goes with --boundary; --to-class takes strengths (--alphas)"), r.err());

        // training.class_repeats: the run says what an epoch becomes; a class the images do not carry is refused
        // before the run folder is written
        Path repeated = dir.resolve("repeated.yml");
        Files.writeString(repeated, Files.readString(config) + "    class_repeats: {\"Smileys & Emotion\": 3}\n");
        r = run("train", "--config", repeated.toString(), "--data-root", root.toString(), "--out", dir.resolve("rep").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("training.class_repeats: an epoch shows ")
                && r.out().contains("; class Smileys & Emotion (repeat 3), "), r.out());
        Files.writeString(repeated, Files.readString(config) + "    class_repeats: {Hearts: 3}\n");
        r = run("train", "--config", repeated.toString(), "--data-root", root.toString(), "--out", dir.resolve("rep2").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("training.class_repeats names 'Hearts', which is not a class of the training images "
                + "[Flags, Smileys & Emotion]"), r.err());
        assertTrue(!Files.exists(dir.resolve("rep2")), "nothing written for a refused run");

        Path plain = dir.resolve("plain");
        assertEquals(0, run("train", "--config", tiny.toString(), "--data-root", root.toString(), "--out", plain.toString()).code());
        r = run("sample", "--weights", plain.toString(), "--class", "Flags", "--output", png);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--class goes with a class-conditional model (network.class_conditional); this one is unconditional"), r.err());
        r = run("edit", "--weights", plain.toString(), "--to-class", "Flags", "--seed", "3", "--out", edit.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--to-class goes with a class-conditional model (network.class_conditional); this one is unconditional"), r.err());
    }
}
