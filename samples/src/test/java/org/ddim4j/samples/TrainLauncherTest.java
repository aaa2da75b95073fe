package org.ddim4j.samples;

import org.ddim4j.data.emoji.EmojiDatasetTest;
import org.ddim4j.train.CheckpointFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.ddim4j.samples.LauncherTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainLauncherTest {
    private static final String TINY = """
            data:
                dataset: "emoji"
                shape: [3, 8, 8]
            network:
                hidden_channels: 8
                num_blocks: 1
                channel_mults: [1, 2]
                attention_sizes: [4,]
                embed_channels: 16
                dropout: 0.1
                num_groups: 4
            diffusion:
                num_t: 100
                num_t_steps: 4
            training:
                batch_size: 4
                log_batch_size: 4
                num_i: 3
                log_frequency: 2
                save_frequency: 2
            """;

    private static Path fakeEmoji(Path dir) throws IOException {
        Path root = dir.resolve("emoji");
        Files.createDirectories(root);
        EmojiDatasetTest.writeFakePackage(root.resolve("emoji-datasource-google-16.0.0.tgz"));
        return root;
    }

    @Test
    void trainsResumesAndSamplesFromTheRunFolder(@TempDir Path dir) throws IOException {
        Path root = fakeEmoji(dir);
        Path config = dir.resolve("tiny.yml");
        Files.writeString(config, TINY);
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
    void badConfigValuesAndMissingDatasetsFailClearly(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, TINY.replace("num_groups: 4", "num_groups: 3"));
        LauncherTest.Result r = run("train", "--config", bad.toString(), "--out", dir.resolve("r").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bad.yml: network.num_groups = 3"), r.err());

        Path tiny = dir.resolve("tiny.yml");
        Files.writeString(tiny, TINY);
        r = run("train", "--config", tiny.toString(), "--dataset", "celeba", "--out", dir.resolve("r").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown dataset 'celeba'"), r.err());

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
}
