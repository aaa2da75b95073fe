package org.ddim4j.sweep;

import org.ddim4j.config.ConfigException;
import org.ddim4j.data.DatasetFixtures;
import org.ddim4j.data.anime.AnimeDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweeps of a tiny U-Net on a tiny image folder (the anime reader's layout), a few iterations per candidate. */
class SweepTest {
    @TempDir
    static Path shared;
    static Path data;

    @BeforeAll
    static void tinyDataset() throws IOException {
        data = shared.resolve("anime");
        int valid = 0;
        for (int i = 0; valid < 2 || i < 24; i++) {
            int[] c = DatasetFixtures.colour(i);
            DatasetFixtures.png(data.resolve("images").resolve("img" + i + ".png"), DatasetFixtures.solid(20, 20, c[0], c[1], c[2]));
            valid += AnimeDataset.isValidation("img" + i + ".png") ? 1 : 0;
        }
        Files.writeString(shared.resolve("tiny.yml"), """
                data: {dataset: anime, root: "%s", shape: [3, 8, 8], flip_horizontal: 0.5}
                network: {hidden_channels: 8, num_blocks: 1, channel_mults: [1, 2], attention_sizes: [4], embed_channels: 16,
                          dropout: 0.0, num_groups: 4, ema: 0.9}
                diffusion: {num_t: 100, num_t_steps: 4, skip_type: uniform}
                training: {batch_size: 4, log_batch_size: 4, criterion: l1, num_i: 3, log_frequency: 100, save_frequency: 100}
                optimizer: {learning_rate: 0.001, gradient_clip: 1.0}
                """.formatted(data));
    }

    private static SweepSpec spec(String body) {
        return SweepSpec.parse("base: tiny.yml\ndata_root: " + data + "\nbudget: {iterations: 3}\n"
                + "evaluation: {images: 2, inversion_iterations: 1}\n" + body, shared.resolve("sweep.yml"));
    }

    @Test
    void gridOfLossNormalisationAndStepsScoresEveryCandidate(@TempDir Path out) throws IOException {
        SweepSpec s = spec("""
                sweep: {training.criterion: [l1, l2], network.num_groups: [-1, 4], diffusion.num_t_steps: [2, 4]}
                search: grid
                """);
        assertEquals(8, s.candidateCount());
        List<CandidateRecord> records = Sweep.run(s, out, 1, false);
        assertEquals(8, records.size());
        assertTrue(records.stream().allMatch(CandidateRecord::complete), records.toString());
        Set<String> keys = records.stream().map(CandidateRecord::key).collect(Collectors.toSet());
        assertEquals(8, keys.size());                                    // every grid point once
        for (int i = 1; i < records.size(); i++) {                       // ranked by validation loss, lowest first
            assertTrue(records.get(i - 1).scores().validationLoss() <= records.get(i).scores().validationLoss());
        }
        assertEquals(9, Files.readAllLines(out.resolve("results.csv")).size());
        for (String f : List.of("results.json", "report.html", "loss-curves.png", "score-by-training.criterion.png",
                "score-by-network.num_groups.png", "score-by-diffusion.num_t_steps.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertTrue(Files.exists(SweepTask.folder(out, 0).resolve("run").resolve("model.ddim")));
        assertEquals(3, records.get(0).scores().iterations());
        // candidates differing only in num_t_steps share one trained network: 4 trainings for 8 candidates
        long trained = java.util.stream.IntStream.range(0, 8)
                .filter(i -> Files.exists(SweepTask.folder(out, i).resolve("run").resolve("model.ddim"))).count();
        assertEquals(4, trained);
        for (CandidateRecord a : records) {
            for (CandidateRecord b : records) {
                if (a.overrides().get("training.criterion").equals(b.overrides().get("training.criterion"))
                        && a.overrides().get("network.num_groups").equals(b.overrides().get("network.num_groups"))) {
                    assertEquals(a.scores().validationLoss(), b.scores().validationLoss(), 0.0, "same network, same loss");
                }
            }
        }
    }

    @Test
    void theSamplerIsASweepKeyThatSharesTheTrainedNetwork(@TempDir Path out) throws IOException {
        SweepSpec s = spec("""
                sweep: {diffusion.sampler: [ddim, dpm++2m, bdia]}
                score: sampling_seconds
                """);
        assertEquals(3, s.candidateCount());
        List<CandidateRecord> records = Sweep.run(s, out, 1, false);
        assertTrue(records.stream().allMatch(CandidateRecord::complete), records.toString());
        assertEquals(Set.of("ddim", "dpm++2m", "bdia"),
                records.stream().map(r -> String.valueOf(r.overrides().get("diffusion.sampler"))).collect(Collectors.toSet()));
        long trained = java.util.stream.IntStream.range(0, 3)
                .filter(i -> Files.exists(SweepTask.folder(out, i).resolve("run").resolve("model.ddim"))).count();
        assertEquals(1, trained, "the sampler does not change training: one network for the three candidates");
        var config = org.ddim4j.config.ConfigLoader.load(shared.resolve("tiny.yml"));
        var unipc = config.withDiffusion(config.diffusion().withSampler(org.ddim4j.sampler.SamplerKind.UNIPC));
        assertEquals(SweepTask.trainingKey(config), SweepTask.trainingKey(unipc));
        // the class-conditional keys are sweep keys: guidance a sampling setting (one network), the others training's
        var conditional = ConfigOverrides.apply(config, java.util.Map.of("network.class_conditional", true,
                "training.label_dropout", 0.2, "diffusion.guidance", 1.5));
        assertTrue(conditional.network().classConditional());
        assertEquals(0.2, conditional.training().labelDropout());
        assertEquals(SweepTask.trainingKey(conditional), SweepTask.trainingKey(
                conditional.withDiffusion(conditional.diffusion().withGuidance(0.0))));
        assertTrue(!SweepTask.trainingKey(conditional).equals(SweepTask.trainingKey(config)));
        // class repeats sweep as a list of mappings, one candidate each; they change training
        SweepSpec repeats = spec("sweep: {training.class_repeats: [{}, {\"Smileys & Emotion\": 8}]}\n");
        var repeated = ConfigOverrides.apply(conditional, java.util.Map.of("training.class_repeats",
                repeats.values().get("training.class_repeats").get(1)));
        assertEquals(java.util.Map.of("Smileys & Emotion", 8), repeated.training().classRepeats());
        assertTrue(!SweepTask.trainingKey(repeated).equals(SweepTask.trainingKey(conditional)));
        var model = new org.ddim4j.model.DdimModel(unipc, org.ddim4j.unet.UNet.create(unipc.network(), unipc.data().shape(), 1));
        assertTrue(CandidateEvaluator.generating(model) instanceof org.ddim4j.sampler.UniPcSampler);
        var e = assertThrows(org.ddim4j.config.ConfigException.class, () -> spec("sweep: {diffusion.sampler: [ddim, plms]}\n"));
        assertTrue(e.getMessage().contains("plms") && e.getMessage().contains("dpm++2m"), e.getMessage());
    }

    @Test
    void parallelCandidatesSharingATrainedNetworkScoreAsTheyDoOneAfterTheOther(@TempDir Path out) throws IOException {
        SweepSpec s = spec("""
                sweep: {diffusion.num_t_steps: [2, 3, 4]}
                """);
        List<CandidateRecord> serial = Sweep.run(s, out.resolve("serial"), 1, false);
        List<CandidateRecord> parallel = Sweep.run(s, out.resolve("parallel"), 3, false);
        java.util.Map<String, CandidateScores> bySerial = serial.stream().collect(Collectors.toMap(CandidateRecord::key,
                CandidateRecord::scores));
        for (CandidateRecord r : parallel) {
            assertTrue(r.complete(), r.toString());
            CandidateScores a = bySerial.get(r.key());
            assertEquals(a.validationLoss(), r.scores().validationLoss(), 0.0, r.key());
            assertEquals(a.inversionPsnr(), r.scores().inversionPsnr(), 0.0, r.key());
        }
    }

    @Test
    void aFailingCandidateIsRecordedAndTheSweepEnds(@TempDir Path out) throws IOException {
        SweepSpec s = spec("""
                sweep: {network.num_groups: [4, 3]}
                """);
        List<CandidateRecord> records = Sweep.run(s, out, 1, false);
        assertEquals(2, records.size());
        CandidateRecord failed = records.get(1);
        assertEquals("failed", failed.status());
        assertTrue(failed.error().contains("num_groups"), failed.error());
        assertTrue(records.get(0).complete());
        assertTrue(Files.readString(out.resolve("report.html")).contains("failed"));
    }

    @Test
    void resumeSkipsFinishedCandidates(@TempDir Path out) throws IOException {
        SweepSpec s = spec("sweep: {training.criterion: [l1, l2]}\n");
        Sweep.run(s, out, 1, false);
        Path done = SweepTask.folder(out, 0).resolve("run").resolve("loss.csv");
        FileTime before = Files.getLastModifiedTime(done);
        Files.delete(SweepTask.folder(out, 1).resolve(CandidateRecord.FILE));   // candidate 1 "was interrupted"
        var e = assertThrows(IllegalArgumentException.class, () -> Sweep.run(s, out, 1, false));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        List<CandidateRecord> records = Sweep.run(s, out, 1, true);
        assertEquals(2, records.size());
        assertEquals(before, Files.getLastModifiedTime(done));           // not trained again
        assertTrue(Files.exists(SweepTask.folder(out, 1).resolve(CandidateRecord.FILE)));
        // candidate 1's run folder held its checkpoint: continued from it, not refused as "already holds a run"
        assertTrue(records.get(1).complete(), records.get(1).error());
    }

    @Test
    void aResumedCandidateOnAMinutesBudgetTrainsOnlyWhatIsLeftOfIt(@TempDir Path out) throws IOException {
        // resumed from its checkpoint, a candidate trained a whole budget again (found when the OOM killer stopped a
        // candidate of issue 28's sweep 3 in its evaluation, after its 15 minutes of training)
        SweepSpec s = SweepSpec.parse("base: tiny.yml\ndata_root: " + data + "\nbudget: {minutes: 0.02}\n"
                + "evaluation: {images: 2, inversion_iterations: 1}\nsweep: {training.criterion: [l1, l2]}\n",
                shared.resolve("sweep.yml"));
        long trained = Sweep.run(s, out, 1, false).stream().filter(r -> r.index() == 0).findFirst().orElseThrow()
                .scores().iterations();
        // (a trainer checks its limit before each iteration, so a whole budget given again trains at least one more)
        Files.delete(SweepTask.folder(out, 0).resolve(CandidateRecord.FILE));   // candidate 0 "was stopped" after training
        CandidateRecord resumed = Sweep.run(s, out, 1, true).stream().filter(r -> r.index() == 0).findFirst().orElseThrow();
        assertTrue(resumed.complete(), resumed.error());
        assertEquals(trained, resumed.scores().iterations());   // its budget was spent: scored without training further
    }

    @Test
    void aRecordReadBackKeepsWholeNumbersWhole() {
        CandidateRecord r = CandidateRecord.parse("""
                {"index": 3, "overrides": {"training.batch_size": 16, "optimizer.learning_rate": 0.001, "diffusion.eta": 1.0},
                 "key": "k", "status": "complete"}""");
        assertEquals("{training.batch_size=16, optimizer.learning_rate=0.001, diffusion.eta=1.0}", r.overrides().toString());
    }

    @Test
    void theGridIsNumberedInTheFilesOrderSoAResumedSweepFindsItsFolders() {
        // Map.copyOf iterated in an order salted per JVM: a resumed sweep numbered the grid differently and trained
        // candidates into folders that held others (found resuming issue 28's recipe sweep)
        SweepSpec s = spec("""
                sweep: {training.criterion: [l1, l2], network.num_groups: [-1, 4], diffusion.num_t_steps: [2, 4],
                        network.ema: [0.9, 0.99], optimizer.learning_rate: [0.001, 0.002], diffusion.eta: [0.0, 1.0]}
                """);
        assertEquals(List.of("training.criterion", "network.num_groups", "diffusion.num_t_steps", "network.ema",
                "optimizer.learning_rate", "diffusion.eta"), List.copyOf(s.values().keySet()));
    }

    @Test
    void aKeyWithOneValueIsFixedInEveryCandidateOfTheGrid() {
        // Arbiter's grid hands out one number per key with more than one value: a one-value key shifted the others
        // and every candidate failed with "expected 3 parameter values, got 2" (found splitting issue 28's sweep 3
        // into one half per batch size)
        SweepSpec s = spec("""
                sweep: {training.batch_size: [4], training.criterion: [l1, l2], diffusion.num_t_steps: [2, 4]}
                """);
        List<Map<String, Object>> grid = Sweep.candidates(s).stream().map(Sweep.PlannedCandidate::overrides).toList();
        assertEquals(4, grid.size());
        for (Map<String, Object> c : grid) {
            assertEquals(List.of("training.batch_size", "training.criterion", "diffusion.num_t_steps"), List.copyOf(c.keySet()));
            assertEquals(4, ((Number) c.get("training.batch_size")).intValue());
        }
        assertEquals(Set.of("l1/2", "l1/4", "l2/2", "l2/4"), grid.stream()
                .map(c -> c.get("training.criterion") + "/" + c.get("diffusion.num_t_steps")).collect(Collectors.toSet()));
    }

    @Test
    void aListValuedKeyGivesEachCandidateItsListQuotedInTheTableAndReadBackWhole(@TempDir Path out) throws IOException {
        // issue 28's sweep 4 swept the attention resolutions, a list per value (the empty list: no attention); the
        // table wrote [8, 4] bare, so its comma split the row
        SweepSpec s = spec("""
                sweep: {network.attention_sizes: [[4], [], [8, 4]]}
                """);
        List<CandidateRecord> records = Sweep.run(s, out, 1, false);
        assertTrue(records.stream().allMatch(CandidateRecord::complete), records.toString());
        assertEquals(Set.of(List.of(4), List.of(), List.of(8, 4)), records.stream()
                .map(r -> ConfigOverrides.apply(s.base(), r.overrides()).network().attentionSizes()).collect(Collectors.toSet()));
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(Set.of("[4]", "[]", "\"[8, 4]\""), rows.stream().skip(1)
                .map(row -> row.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")[3]).collect(Collectors.toSet()));
        CandidateRecord r = CandidateRecord.parse("""
                {"index": 2, "overrides": {"network.attention_sizes": [8, 4]}, "key": "k", "status": "complete"}""");
        assertEquals("{network.attention_sizes=[8, 4]}", r.overrides().toString());
    }

    @Test
    void randomSearchOverACompositeSpaceGivesValidCandidatesInParallel(@TempDir Path out) throws IOException {
        SweepSpec s = spec("""
                sweep: {optimizer.learning_rate: {min: 0.0001, max: 0.01}, network.num_groups: [-1, 2, 4]}
                search: random
                candidates: 3
                score: inversion_psnr
                """);
        List<CandidateRecord> records = Sweep.run(s, out, 2, false);
        assertEquals(3, records.size());
        for (CandidateRecord r : records) {
            assertTrue(r.complete(), r.toString());
            double lr = ((Number) r.overrides().get("optimizer.learning_rate")).doubleValue();
            assertTrue(lr >= 0.0001 && lr <= 0.01, "lr " + lr);
            assertTrue(List.of(-1, 2, 4).contains(((Number) r.overrides().get("network.num_groups")).intValue()));
        }
        for (int i = 1; i < records.size(); i++) {                       // PSNR: highest first
            assertTrue(records.get(i - 1).scores().inversionPsnr() >= records.get(i).scores().inversionPsnr());
        }
    }

    @Test
    void geneticSearchRunsItsCandidates(@TempDir Path out) throws IOException {
        SweepSpec s = spec("""
                sweep: {optimizer.learning_rate: {min: 0.0001, max: 0.01}, training.criterion: [l1, l2]}
                search: genetic
                candidates: 3
                """);
        List<CandidateRecord> records = Sweep.run(s, out, 1, false);
        assertEquals(3, records.size());
        assertTrue(records.stream().allMatch(CandidateRecord::complete), records.toString());
    }

    @Test
    void badSpecsAreNamed() {
        var e = assertThrows(ConfigException.class, () -> spec("sweep: {network.nope: [1]}\n"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> spec("sweep: {optimizer.learning_rate: {min: 1, max: 2}}\nsearch: grid\n"));
        assertTrue(e.getMessage().contains("random"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> spec("sweep: {training.criterion: [l1]}\nsearch: bayes\n"));
        assertTrue(e.getMessage().contains("grid, random, genetic"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> spec("sweep: {training.criterion: [l1]}\nextra: 1\n"));
        assertTrue(e.getMessage().contains("unknown key 'extra'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> spec("sweep: {training.criterion: [l3]}\n"));
        assertTrue(e.getMessage().contains("criterion"), e.getMessage());
    }
}
