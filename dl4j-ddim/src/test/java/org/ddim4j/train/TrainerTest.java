package org.ddim4j.train;

import org.ddim4j.batches.BatchSource;
import org.ddim4j.optim.GradientClipping;
import org.ddim4j.model.CheckpointFile;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.io.TensorFormatException;
import org.ddim4j.model.ModelFile;
import org.ddim4j.unet.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    static void assertSameWeights(Parameters a, Parameters b) {
        for (String name : a.arrays().keySet()) {
            assertArrayEquals(a.get(name).castTo(DataType.DOUBLE).data().asDouble(),
                    b.get(name).castTo(DataType.DOUBLE).data().asDouble(), 0.0, name);
        }
    }

    @Test
    void lossOfATinyModelOnATinyDatasetFalls(@TempDir Path dir) throws IOException {
        Trainer trainer = Trainer.start(TinyData.config(4, 0.0, 200, 1000), TinyData.images(), dir, TrainingListener.NONE);
        trainer.train(null);
        List<String> lines = Files.readAllLines(trainer.run().lossCsv());
        assertEquals(LossLog.HEADER, lines.get(0));
        assertEquals(201, lines.size());
        double first = lines.subList(1, 31).stream().mapToDouble(l -> Double.parseDouble(l.split(",")[1])).average().orElseThrow();
        double last = lines.subList(171, 201).stream().mapToDouble(l -> Double.parseDouble(l.split(",")[1])).average().orElseThrow();
        assertTrue(last < 0.7 * first, "loss went from " + first + " to " + last);
        assertTrue(Files.size(trainer.run().lossCurve()) > 1000);
        assertTrue(Files.exists(trainer.run().model()));
        assertTrue(Files.list(trainer.run().samples()).findAny().isPresent());
    }

    @ParameterizedTest(name = "num_groups {0}, dropout {1}")
    @CsvSource({"4, 0.1", "-1, 0.0"})
    void resumedTrainingMatchesUninterruptedTraining(int groups, double dropout, @TempDir Path dir) throws IOException {
        DdimConfig config = TinyData.config(groups, dropout, 8, 4);
        Trainer straight = Trainer.start(config, TinyData.images(), dir.resolve("straight"), TrainingListener.NONE);
        straight.train(null);

        DdimConfig half = config.withTraining(config.training().withIterations(4, 1000, 4));
        Trainer first = Trainer.start(half, TinyData.images(), dir.resolve("resumed"), TrainingListener.NONE);
        first.train(null);
        Trainer second = Trainer.resume(dir.resolve("resumed"), TinyData.images(), TrainingListener.NONE, 8);
        assertEquals(4, second.iteration());
        second.train(null);

        assertEquals(8, second.iteration());
        assertSameWeights(straight.network().parameters(), second.network().parameters());
        assertSameWeights(straight.ema().parameters(), second.ema().parameters());
        assertEquals(Files.readAllLines(straight.run().lossCsv()).size(), Files.readAllLines(second.run().lossCsv()).size());
        if (groups < 0) {
            INDArray runningVar = second.network().parameters().get("out_norm.running_var");
            assertFalse(runningVar.equals(Nd4j.ones(DataType.FLOAT, runningVar.shape())), "running statistics never updated");
            assertEquals(8L, second.network().parameters().get("out_norm.num_batches_tracked").getLong(0));
            assertEquals(runningVar, second.ema().parameters().get("out_norm.running_var"));
        }
    }

    @Test
    void aResumedRunWithNothingLeftToTrainReportsItsLastLossNotNaN(@TempDir Path dir) throws IOException {
        // a sweep candidate resumed after its whole minutes budget recorded its training loss as NaN (issue 28's sweep 3)
        Trainer first = Trainer.start(TinyData.config(4, 0.0, 3, 3), TinyData.images(), dir, TrainingListener.NONE);
        double last = first.train(null);
        assertTrue(Double.isFinite(last));
        Trainer again = Trainer.resume(dir, TinyData.images(), TrainingListener.NONE, 3);
        assertEquals(last, again.train(null));
        assertEquals(3, again.iteration());
    }

    /** The tiny config with every recipe option of issue 28 away from the seed's: v, min-SNR, warm-up, cosine decay. */
    private static DdimConfig recipe(DdimConfig c) {
        var d = c.diffusion();
        var t = c.training();
        var o = c.optimizer();
        return new DdimConfig(c.data(), c.network(),
                new org.ddim4j.config.DiffusionConfig(org.ddim4j.schedule.BetaSchedule.COSINE, d.betaStart(), d.betaEnd(),
                        d.numT(), d.numTSteps(), d.eta(), d.skipType(), d.clipX0(), d.sampler(), org.ddim4j.schedule.Prediction.V),
                new org.ddim4j.config.TrainingConfig(t.batchSize(), t.logBatchSize(), org.ddim4j.config.Criterion.L2, t.numI(),
                        t.logFrequency(), t.saveFrequency(), false, t.seed(), org.ddim4j.config.LossWeighting.MIN_SNR, 5.0),
                new org.ddim4j.config.OptimizerConfig(o.name(), o.learningRate(), o.weightDecay(), o.beta1(), o.beta2(),
                        o.amsgrad(), o.epsilon(), o.gradientClip(), 3, org.ddim4j.config.LearningRateDecay.COSINE),
                c.evaluation());
    }

    @Test
    void aRunWithEveryRecipeOptionLearnsAndResumesExactly(@TempDir Path dir) throws IOException {
        DdimConfig config = recipe(TinyData.config(4, 0.1, 8, 4));
        // the checkpoint of iteration 4 of an 8-iteration run, copied as it is written, then continued: the
        // learning rate must follow the same warm-up and decay as the uninterrupted run
        Path cut = dir.resolve("cut");
        Files.createDirectories(cut);
        TrainingListener copyAtFour = new TrainingListener() {
            @Override
            public void onCheckpoint(long iteration, Path file) {
                if (iteration == 4) {
                    try {
                        Files.copy(file, new org.ddim4j.model.TrainingRun(cut).checkpoint());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        Trainer straight = Trainer.start(config, TinyData.images(), dir.resolve("straight"), copyAtFour);
        straight.train(null);
        Trainer resumed = Trainer.resume(cut, TinyData.images(), TrainingListener.NONE, 0);
        assertEquals(4, resumed.iteration());
        resumed.train(null);
        assertEquals(8, resumed.iteration());
        assertSameWeights(straight.network().parameters(), resumed.network().parameters());
        assertSameWeights(straight.ema().parameters(), resumed.ema().parameters());

        Trainer longer = Trainer.start(recipe(TinyData.config(4, 0.0, 200, 1000)), TinyData.images(), dir.resolve("learns"),
                TrainingListener.NONE);
        longer.train(null);
        List<String> lines = Files.readAllLines(longer.run().lossCsv());
        double firstLoss = lines.subList(1, 31).stream().mapToDouble(l -> Double.parseDouble(l.split(",")[1])).average().orElseThrow();
        double lastLoss = lines.subList(171, 201).stream().mapToDouble(l -> Double.parseDouble(l.split(",")[1])).average().orElseThrow();
        assertTrue(lastLoss < 0.7 * firstLoss, "weighted v loss went from " + firstLoss + " to " + lastLoss);
    }

    @Test
    void aCheckpointWriteThatDiesHalfwayLeavesThePreviousOneLoadable(@TempDir Path dir) throws IOException {
        Trainer trainer = Trainer.start(TinyData.config(4, 0.0, 3, 3), TinyData.images(), dir, TrainingListener.NONE);
        trainer.train(null);
        Path ckpt = trainer.run().checkpoint();
        byte[] before = Files.readAllBytes(ckpt);
        assertThrows(IOException.class, () -> AtomicFiles.write(ckpt, out -> {
            out.write(before, 0, before.length / 2);
            throw new IOException("killed");
        }));
        assertArrayEquals(before, Files.readAllBytes(ckpt));
        assertEquals(3, CheckpointFile.read(ckpt).iteration());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left behind");
        }
    }

    @Test
    void truncatedDamagedOrForeignCheckpointsAreRefused(@TempDir Path dir) throws IOException {
        Trainer trainer = Trainer.start(TinyData.config(4, 0.0, 2, 2), TinyData.images(), dir.resolve("run"), TrainingListener.NONE);
        trainer.train(null);
        byte[] bytes = Files.readAllBytes(trainer.run().checkpoint());

        Path truncated = dir.resolve("truncated.ckpt");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> CheckpointFile.read(truncated));
        assertTrue(e.getMessage().contains("truncated.ckpt"), e.getMessage());

        Path foreign = dir.resolve("model.ckpt");
        Files.copy(trainer.run().model(), foreign);
        e = assertThrows(TensorFormatException.class, () -> CheckpointFile.read(foreign));
        assertTrue(e.getMessage().contains("not a ddim4j checkpoint"), e.getMessage());

        Path text = dir.resolve("notes.ckpt");
        Files.writeString(text, "hello", StandardCharsets.UTF_8);
        assertThrows(TensorFormatException.class, () -> CheckpointFile.read(text));
    }

    @Test
    void aNanLossStopsTheRunAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws IOException {
        DdimConfig config = TinyData.config(4, 0.0, 4, 2);
        Trainer trainer = Trainer.start(config, TinyData.images(), dir, TrainingListener.NONE);
        trainer.train(null);
        byte[] good = Files.readAllBytes(trainer.run().checkpoint());
        BatchSource poisoned = new BatchSource() {
            @Override
            public int size() {
                return 16;
            }

            @Override
            public INDArray batch(long iteration, int batchSize) {
                return Nd4j.valueArrayOf(new long[]{batchSize, 3, 8, 8}, Float.NaN, DataType.FLOAT);
            }
        };
        Trainer resumed = Trainer.resume(dir, new BatchSource() {
            @Override
            public int size() {
                return 16;
            }

            @Override
            public INDArray batch(long iteration, int batchSize) {
                // the shape probe at iteration 0 must pass; iterations after the checkpoint are poisoned
                return iteration == 0 ? TinyData.images().batch(0, batchSize) : poisoned.batch(iteration, batchSize);
            }
        }, TrainingListener.NONE, 8);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> resumed.train(null));
        assertEquals(5, e.iteration());
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("checkpoint.ckpt"), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(trainer.run().checkpoint()));
    }

    @Test
    void startingOverAnExistingRunOrResumingNothingIsRefused(@TempDir Path dir) throws IOException {
        Trainer.start(TinyData.config(4, 0.0, 1, 1), TinyData.images(), dir, TrainingListener.NONE).train(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.start(TinyData.config(4, 0.0, 1, 1), TinyData.images(), dir, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(dir.resolve("empty"), TinyData.images(), TrainingListener.NONE, 0));
        assertTrue(e.getMessage().contains("holds no checkpoint"), e.getMessage());
    }

    @Test
    void theModelFileOfARunSamplesWithTheEmaWeights(@TempDir Path dir) throws IOException {
        Trainer trainer = Trainer.start(TinyData.config(4, 0.0, 3, 3), TinyData.images(), dir, TrainingListener.NONE);
        trainer.train(null);
        var model = ModelFile.load(trainer.run().model());
        assertSameWeights(trainer.ema().parameters(), model.network().parameters());
    }

    @Test
    void theModelOfTheRunsLowestKidIsKeptBesideTheLast(@TempDir Path dir) throws IOException {
        DdimConfig tiny = TinyData.config(4, 0.0, 5, 5);
        var e = tiny.evaluation();
        DdimConfig config = new DdimConfig(tiny.data(), tiny.network(), tiny.diffusion(), tiny.training(), tiny.optimizer(),
                new org.ddim4j.config.EvaluationConfig(e.batchSize(), e.numBatches(), 1, e.kidSamples(), e.kidSteps()));
        // scripted probe: lowest at iteration 2; NaN at 3 and a tie at 4 do not replace it, iteration 5 is worse
        double[] kids = {3, 1, Double.NaN, 1, 2};
        List<Parameters> measured = new java.util.ArrayList<>();
        Trainer trainer = Trainer.start(config, TinyData.images(), dir, TrainingListener.NONE).withQualityProbe(model -> {
            measured.add(model.network().parameters().copy());
            return new QualityProbe.Measurement(kids[measured.size() - 1], 0.5, 0, 0.5);
        });
        trainer.train(null);
        assertEquals(5, measured.size());
        assertSameWeights(measured.get(1), ModelFile.load(trainer.run().bestKidModel()).network().parameters());
        var best = com.google.gson.JsonParser.parseString(Files.readString(trainer.run().bestKid())).getAsJsonObject();
        assertEquals(2, best.get("iteration").getAsLong());
        assertEquals(1.0, best.get("kid").getAsDouble());
        // the weights moved after iteration 2, so the kept model is not the last one
        assertFalse(Arrays.equals(measured.get(1).trainableVector().toFloatVector(), measured.get(4).trainableVector().toFloatVector()));
    }

    @Test
    void flipsMirrorImagesWithTheConfiguredProbability() {
        INDArray x = Nd4j.linspace(0, 1, 2 * 3 * 4 * 5, DataType.FLOAT).reshape(2, 3, 4, 5);
        INDArray all = org.ddim4j.image.Flips.random(x, new java.util.SplittableRandom(1), 1.0, true);
        for (int col = 0; col < 5; col++) {
            assertEquals(x.getFloat(1, 2, 3, col), all.getFloat(1, 2, 3, 4 - col), 0f);
        }
        INDArray vertical = org.ddim4j.image.Flips.random(x, new java.util.SplittableRandom(1), 1.0, false);
        assertEquals(x.getFloat(0, 1, 0, 2), vertical.getFloat(0, 1, 3, 2), 0f);
        assertEquals(x, org.ddim4j.image.Flips.random(x, new java.util.SplittableRandom(1), 0.0, true));
        int flipped = 0;
        INDArray many = Nd4j.linspace(0, 1, 400 * 2, DataType.FLOAT).reshape(400, 1, 1, 2);
        INDArray out = org.ddim4j.image.Flips.random(many, new java.util.SplittableRandom(2), 0.5, true);
        for (int k = 0; k < 400; k++) {
            flipped += out.getFloat(k, 0, 0, 0) != many.getFloat(k, 0, 0, 0) ? 1 : 0;
        }
        assertTrue(flipped > 160 && flipped < 240, "flipped " + flipped + " of 400 at p = 0.5");
    }

    @Test
    void emaWarmsUpToTheConfiguredDecay() {
        assertEquals(0.1, Ema.warmedUpDecay(0.9995, 0), 1e-12);
        assertEquals(0.5, Ema.warmedUpDecay(0.9995, 8), 1e-12);
        assertEquals(0.9995, Ema.warmedUpDecay(0.9995, 1_000_000), 1e-12);
        INDArray ema = Nd4j.createFromArray(1f, 1f);
        Ema.update(ema, Nd4j.createFromArray(3f, -1f), 0.75);
        assertEquals(1.5, ema.getDouble(0), 1e-6);
        assertEquals(0.5, ema.getDouble(1), 1e-6);
    }

    @Test
    void clippingFollowsClipGradNorm() {
        var grads = new java.util.LinkedHashMap<String, INDArray>();
        grads.put("a", Nd4j.createFromArray(3f, 0f));
        grads.put("b", Nd4j.createFromArray(new float[][]{{0f, 4f}}));
        double norm = GradientClipping.clipGlobalNorm(grads, 1.0);
        assertEquals(5.0, norm, 1e-6);
        assertEquals(3.0 / (5 + 1e-6), grads.get("a").getDouble(0), 1e-6);
        assertEquals(4.0 / (5 + 1e-6), grads.get("b").getDouble(1), 1e-6);
        var small = new java.util.LinkedHashMap<String, INDArray>();
        small.put("a", Nd4j.createFromArray(0.3f));
        GradientClipping.clipGlobalNorm(small, 1.0);
        assertEquals(0.3, small.get("a").getDouble(0), 1e-7);
    }

    @Test
    void aNonFiniteGradientIsReportedAndLeftUnscaled() {
        var grads = new java.util.LinkedHashMap<String, INDArray>();
        grads.put("a", Nd4j.createFromArray(Float.POSITIVE_INFINITY, 1f));
        double norm = GradientClipping.clipGlobalNorm(grads, 1.0);
        assertTrue(Double.isInfinite(norm));
        // scaled by maxNorm / inf = 0, the infinity would have become NaN and the finite entry 0
        assertEquals(Float.POSITIVE_INFINITY, grads.get("a").getFloat(0));
        assertEquals(1f, grads.get("a").getFloat(1));
    }

    @Test
    void poisonedWeightsAreNeverCheckpointed(@TempDir Path dir) throws IOException {
        DdimConfig config = TinyData.config(4, 0.0, 4, 1);   // a checkpoint after every iteration
        Trainer trainer = Trainer.start(config, TinyData.images(), dir, TrainingListener.NONE);
        trainer.train(null);
        // Adam's moments poisoned (as a non-finite gradient applied by the old code left them): the next update
        // makes every weight NaN while the loss it was computed with is finite
        var c = CheckpointFile.read(trainer.run().checkpoint());
        var poisoned = new java.util.LinkedHashMap<String, INDArray>();
        c.optimizerState().forEach((k, v) -> poisoned.put(k, v.rank() == 0 || v.length() == 1 ? v : v.dup().assign(Float.NaN)));
        CheckpointFile.write(new org.ddim4j.model.Checkpoint(c.config(), c.iteration(), c.seed(), c.weights(), c.ema(),
                poisoned, c.elapsedSeconds()), trainer.run().checkpoint());
        byte[] before = Files.readAllBytes(trainer.run().checkpoint());
        Trainer resumed = Trainer.resume(dir, TinyData.images(), TrainingListener.NONE, 6);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> resumed.train(null));
        assertTrue(e.getMessage().contains("weights are not finite") && e.getMessage().contains("nothing non-finite was saved"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(trainer.run().checkpoint()), "the checkpoint on disk is untouched");
    }
}
