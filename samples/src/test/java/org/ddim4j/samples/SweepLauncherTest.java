package org.ddim4j.samples;

import org.ddim4j.data.DatasetFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepLauncherTest {
    /** 40 solid-colour anime images and a tiny 8x8 config beside them (tiny.yml); returns the data folder. */
    private static Path tinyAnimeSetup(Path dir) throws IOException {
        Path data = dir.resolve("anime");
        for (int i = 0; i < 40; i++) {
            int[] c = DatasetFixtures.colour(i);
            DatasetFixtures.png(data.resolve("images").resolve("img" + i + ".png"), DatasetFixtures.solid(20, 20, c[0], c[1], c[2]));
        }
        Files.writeString(dir.resolve("tiny.yml"), """
                data: {dataset: anime, shape: [3, 8, 8]}
                network: {hidden_channels: 8, num_blocks: 1, channel_mults: [1, 2], attention_sizes: [4], embed_channels: 16,
                          num_groups: 4}
                diffusion: {num_t: 100, num_t_steps: 2}
                training: {batch_size: 4, log_batch_size: 4, num_i: 2}
                """);
        return data;
    }

    @Test
    void sweepRunsFromASpecFileAndPrintsTheRanking(@TempDir Path dir) throws IOException {
        Path data = tinyAnimeSetup(dir);
        Files.writeString(dir.resolve("sweep.yml"), """
                base: tiny.yml
                data_root: %s
                sweep: {training.criterion: [l1, l2]}
                budget: {iterations: 2}
                evaluation: {images: 2, inversion_iterations: 1}
                """.formatted(data));
        Path out = dir.resolve("out");
        LauncherTest.Result r = LauncherTest.run("sweep", "--spec", dir.resolve("sweep.yml").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 complete, 0 failed"), r.out());
        assertTrue(Files.exists(out.resolve("report.html")));
        r = LauncherTest.run("sweep", "--spec", dir.resolve("sweep.yml").toString(), "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--resume"), r.err());
        r = LauncherTest.run("sweep", "--spec", dir.resolve("missing.yml").toString(), "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("missing.yml"), r.err());
    }

    @Test
    void sweepRanksCandidatesByTheKidOfTheirSamples(@TempDir Path dir) throws IOException {
        Path data = tinyAnimeSetup(dir);
        Files.writeString(dir.resolve("sweep.yml"), """
                base: tiny.yml
                data_root: %s
                sweep: {diffusion.num_t_steps: [1, 2]}
                budget: {iterations: 2}
                score: kid
                evaluation: {images: 2, inversion_iterations: 1, kid_samples: 6}
                """.formatted(data));
        Path out = dir.resolve("out");
        LauncherTest.Result r = LauncherTest.run("sweep", "--spec", dir.resolve("sweep.yml").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 complete, 0 failed"), r.out());
        java.util.List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        int kid = java.util.Arrays.asList(csv.get(0).split(",")).indexOf("kid");
        double first = Double.parseDouble(csv.get(1).split(",")[kid]);
        double second = Double.parseDouble(csv.get(2).split(",")[kid]);
        assertTrue(first <= second, "ranked by KID, lowest first: " + csv);
        assertTrue(Files.readString(out.resolve("report.html")).contains("KID x1000"));

        Files.writeString(dir.resolve("bad.yml"), Files.readString(dir.resolve("sweep.yml")).replace("kid_samples", "kid_sample"));
        r = LauncherTest.run("sweep", "--spec", dir.resolve("bad.yml").toString(), "--out", dir.resolve("o2").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown key 'evaluation.kid_sample'"), r.err());
    }
}
