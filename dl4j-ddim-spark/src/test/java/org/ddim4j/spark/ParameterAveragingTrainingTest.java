package org.ddim4j.spark;

import org.ddim4j.batches.ShuffledBatches;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.model.Checkpoint;
import org.ddim4j.model.CheckpointFile;
import org.ddim4j.model.TrainingRun;
import org.ddim4j.random.Seeds;
import org.ddim4j.train.Trainer;
import org.ddim4j.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterAveragingTrainingTest {
    /** A tiny run: 16 images of 8x8, batch 16, no dropout (masks are drawn per shard shape), no clipping (not linear). */
    private static DdimConfig config(String optimizer, int iterations) {
        return ConfigLoader.parse("""
                data: {dataset: emoji, shape: [3, 8, 8]}
                network: {hidden_channels: 8, num_blocks: 1, channel_mults: [1, 2], attention_sizes: [4], embed_channels: 16,
                          num_groups: 4, dropout: 0.0}
                diffusion: {num_t: 100, num_t_steps: 2}
                training: {batch_size: 16, log_batch_size: 4, num_i: %d, log_frequency: 1000, save_frequency: 2, seed: 3}
                optimizer: {name: %s, learning_rate: 0.05, gradient_clip: 0.0}
                """.formatted(iterations, optimizer), "tiny.yml");
    }

    /** Seeded images in [-1, 1], the same on the driver and in every task. */
    private static final TrainingData DATA = c -> new ShuffledBatches(Seeds.uniform(21, -1, 1, 24, 3, 8, 8), 5);

    private static INDArray weights(Checkpoint c) {
        return c.weights().trainableVector();
    }

    @Test
    void twoSgdWorkersAtEightAreOneProcessAtSixteen(@TempDir Path dir) throws IOException {
        DdimConfig c = config("sgd", 3);
        // one process, batch 16
        Trainer single = Trainer.start(c, DATA.open(c), dir.resolve("single"), TrainingListener.NONE);
        INDArray start = single.network().parameters().trainableVector().dup();
        double[] singleLoss = new double[3];
        for (int i = 0; i < 3; i++) {
            singleLoss[i] = single.trainStep()[0];
        }
        INDArray expected = single.network().parameters().trainableVector();
        // two workers at 8 each, averaging after every iteration; two iterations, then resumed to three
        Path runDir = dir.resolve("spark");
        ParameterAveragingTraining.Result r = ParameterAveragingTraining.run(SparkTests.context(), config("sgd", 2), DATA,
                runDir, new AveragingSpec(2, 1), 0, TrainingListener.NONE);
        assertEquals(2, r.lastIteration());
        r = ParameterAveragingTraining.run(SparkTests.context(), null, DATA, runDir, new AveragingSpec(2, 1), 3, TrainingListener.NONE);
        assertEquals(3, r.lastIteration());
        Checkpoint spark = CheckpointFile.read(new TrainingRun(runDir).checkpoint());
        assertEquals(3, spark.iteration());
        double moved = expected.sub(start).amaxNumber().doubleValue();
        double diff = weights(spark).sub(expected).amaxNumber().doubleValue();
        // float rounding, derived: each step rounds a worker's update, the average and the single process's update to
        // half an ulp of the weights each (1.5 ulp a step, 3 steps); the gradients' summation order adds about 1e-7 of
        // each step, bounded by 1e-4 of the distance the weights moved
        double ulp = Math.ulp((float) expected.amaxNumber().doubleValue());
        double bound = 3 * 1.5 * ulp + 1e-4 * moved;
        assertTrue(moved > 1e-3, "training moved the weights by " + moved);
        assertTrue(diff <= bound, "max |w_spark - w_single| = " + diff + ", bound " + bound + ", weights moved " + moved);
        assertEquals(0, spark.ema().trainableVector().sub(single.ema().parameters().trainableVector()).amaxNumber().doubleValue(),
                bound, "EMA");
        String loss = Files.readString(new TrainingRun(runDir).lossCsv());
        assertEquals(4, loss.lines().count(), loss);   // header and three iterations
        assertEquals(singleLoss[2], Double.parseDouble(loss.lines().toList().get(3).split(",")[1]), 1e-5 * singleLoss[2]);
        // what the check can tell apart: one worker's half of the batch trained alone
        Trainer half = Trainer.start(config("sgd", 3), DATA.open(c), dir.resolve("half"), TrainingListener.NONE);
        for (int i = 0; i < 3; i++) {
            half.trainStep(0, 2);
        }
        double halfDiff = half.network().parameters().trainableVector().sub(expected).amaxNumber().doubleValue();
        assertTrue(halfDiff > 0.01 * moved, "half a batch differs by " + halfDiff + " (moved " + moved + ")");
    }

    @Test
    void adamWorkersTrainAndTheRunFolderIsDdimTrains(@TempDir Path dir) throws IOException {
        Path runDir = dir.resolve("run");
        ParameterAveragingTraining.Result r = ParameterAveragingTraining.run(SparkTests.context(), config("adam", 4), DATA,
                runDir, new AveragingSpec(2, 2), 0, TrainingListener.NONE);
        assertEquals(2, r.rounds());
        TrainingRun run = new TrainingRun(runDir);
        assertTrue(Files.isRegularFile(run.checkpoint()) && Files.isRegularFile(run.model()) && Files.isRegularFile(run.config()));
        Checkpoint c = CheckpointFile.read(run.checkpoint());
        assertEquals(4, c.iteration());
        assertEquals(4, c.optimizerState().get("step").getLong(0), "Adam's step counter, the same on every worker");
        assertTrue(c.optimizerState().containsKey("m.parameters") && c.optimizerState().containsKey("v.parameters"));
    }
}
