package org.ddim4j.spark;

import org.ddim4j.data.DatasetFixtures;
import org.ddim4j.data.anime.AnimeDataset;
import org.ddim4j.sweep.CandidateRecord;
import org.ddim4j.sweep.Sweep;
import org.ddim4j.sweep.SweepSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepJobTest {
    /** A tiny image folder in the anime reader's layout and a sweep of four candidates over it (as SweepTest's). */
    private static Path sweepFile(Path dir, String search) throws IOException {
        Path data = dir.resolve("anime");
        int valid = 0;
        for (int i = 0; valid < 2 || i < 24; i++) {
            int[] c = DatasetFixtures.colour(i);
            DatasetFixtures.png(data.resolve("images").resolve("img" + i + ".png"), DatasetFixtures.solid(20, 20, c[0], c[1], c[2]));
            valid += AnimeDataset.isValidation("img" + i + ".png") ? 1 : 0;
        }
        Files.writeString(dir.resolve("tiny.yml"), """
                data: {dataset: anime, root: "%s", shape: [3, 8, 8]}
                network: {hidden_channels: 8, num_blocks: 1, channel_mults: [1, 2], attention_sizes: [4], embed_channels: 16,
                          dropout: 0.0, num_groups: 4, ema: 0.9}
                diffusion: {num_t: 100, num_t_steps: 4, skip_type: uniform}
                training: {batch_size: 4, log_batch_size: 4, criterion: l1, num_i: 3, log_frequency: 100, save_frequency: 100}
                optimizer: {learning_rate: 0.001, gradient_clip: 1.0}
                """.formatted(data));
        Path spec = dir.resolve("sweep.yml");
        Files.writeString(spec, "base: tiny.yml\ndata_root: " + data + "\nbudget: {iterations: 3}\n"
                + "evaluation: {images: 2, inversion_iterations: 1}\n"
                + "sweep: {training.criterion: [l1, l2], optimizer.learning_rate: [0.001, 0.003]}\nsearch: " + search + "\n"
                + (search.equals("genetic") ? "candidates: 4\n" : ""));
        return spec;
    }

    @Test
    void everyCandidateScoresAsInTheLocalSweep(@TempDir Path dir) throws IOException {
        Path specFile = sweepFile(dir, "grid");
        // the local sweep, one candidate at a time, at the executors' thread count
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
        List<CandidateRecord> local = Sweep.run(SweepSpec.load(specFile), dir.resolve("local"), 1, false);
        Path out = dir.resolve("spark");
        SweepJob.Result r = SweepJob.run(SparkTests.context(), specFile, out.toString());
        assertEquals(4, r.candidatesRun());
        List<CandidateRecord> spark = r.ranked();
        assertEquals(4, spark.size());
        Comparator<CandidateRecord> byIndex = Comparator.comparingInt(CandidateRecord::index);
        List<CandidateRecord> a = local.stream().sorted(byIndex).toList();
        List<CandidateRecord> b = spark.stream().sorted(byIndex).toList();
        for (int i = 0; i < 4; i++) {
            assertEquals(a.get(i).key(), b.get(i).key(), "candidate " + i + ": the same values");
            assertEquals(a.get(i).scores().validationLoss(), b.get(i).scores().validationLoss(), 0.0, "candidate " + i);
            assertEquals(a.get(i).scores().inversionPsnr(), b.get(i).scores().inversionPsnr(), 0.0, "candidate " + i);
            assertEquals(a.get(i).scores().trainingLoss(), b.get(i).scores().trainingLoss(), 0.0, "candidate " + i);
        }
        assertEquals(5, Files.readAllLines(out.resolve("results.csv")).size());
        assertTrue(Files.size(out.resolve("report.html")) > 0);
        assertTrue(Files.isRegularFile(out.resolve("candidate-000/run/model.ddim")));
        // a re-run skips what is complete
        assertEquals(4, SweepJob.run(SparkTests.context(), specFile, out.toString()).candidatesSkipped());
    }

    @Test
    void aGeneticSearchCannotBePlannedAhead(@TempDir Path dir) throws IOException {
        Path specFile = sweepFile(dir, "genetic");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepJob.run(SparkTests.context(), specFile, dir.resolve("out").toString()));
        assertTrue(e.getMessage().contains("genetic"), e.getMessage());
    }
}
