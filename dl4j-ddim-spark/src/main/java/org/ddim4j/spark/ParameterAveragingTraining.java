package org.ddim4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.model.Checkpoint;
import org.ddim4j.model.CheckpointFile;
import org.ddim4j.model.TrainingRun;
import org.ddim4j.train.LossLog;
import org.ddim4j.train.Trainer;
import org.ddim4j.train.TrainingListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * {@code ./ddim spark train}: data-parallel training by parameter averaging, the scheme of DL4J's
 * {@code ParameterAveragingTrainingMaster}. Each round:
 * <ol>
 *   <li>the driver broadcasts the run's state (weights, EMA, optimiser state, iteration: a checkpoint's bytes);</li>
 *   <li>W tasks each take it and train K iterations, worker w on rows [wB/W, (w+1)B/W) of every global batch
 *       ({@link Trainer#trainStep(int, int)}: the images, timesteps and noise a single process would draw);</li>
 *   <li>their weights, BatchNorm statistics, EMA and optimiser moments are summed by treeAggregate and averaged on the
 *       driver, which continues from the average.</li>
 * </ol>
 * With SGD and K = 1 a round is one step on the whole batch's gradient (the mean of the shards' gradients), so W
 * workers at batch B/W give the parameters of one process at batch B, to float rounding (tested). Adam's steps and
 * K > 1 make it an approximation, as in DL4J. The driver keeps the run folder as {@code ./ddim train} does (config,
 * loss.csv, sample grids at training.log_frequency, atomic checkpoints at training.save_frequency and at the end, the
 * model file, the run page), so {@code --resume} continues it and {@code ./ddim sample} reads it. A task's trainer (its
 * compiled training graph) is built once per executor slot and reused by every round.
 */
public final class ParameterAveragingTraining {
    private ParameterAveragingTraining() {
    }

    /** What a session did. */
    public record Result(long firstIteration, long lastIteration, int rounds, double lastLoss, double seconds) {
    }

    /**
     * Trains the run in {@code runDir} up to training.num_i: a new run from {@code config}, or (config null) the run's
     * checkpoint continued, to {@code numIterations} when positive (else the run's training.num_i).
     */
    public static Result run(JavaSparkContext sc, DdimConfig config, TrainingData data, Path runDir, AveragingSpec spec,
                             int numIterations, TrainingListener listener) throws IOException {
        Trainer driver = config == null
                ? Trainer.resume(runDir, data.open(runConfig(runDir)), listener, numIterations)
                : Trainer.start(config, data.open(config), runDir, listener);
        DdimConfig c = driver.config();
        int batch = c.training().batchSize();
        if (batch % spec.workers() != 0) {
            throw new IllegalArgumentException("training.batch_size " + batch + " must divide into " + spec.workers() + " workers");
        }
        String job = "trainer-" + UUID.randomUUID();
        long firstIteration = driver.iteration() + 1;
        long end = c.training().numI();
        int rounds = 0;
        double lastLoss = Double.NaN;
        long t0 = System.nanoTime();
        TrainingRun run = driver.run();
        listener.onStart(firstIteration, end);
        // a worker's trainer is built once per executor slot, from the run's state when the session started (the
        // checkpoint format carries the config); every round then sends the arrays alone
        Broadcast<byte[]> firstState = sc.broadcast(bytes(driver.state()));
        try (LossLog log = new LossLog(run.lossCsv(), driver.iteration())) {
            while (driver.iteration() < end) {
                long from = driver.iteration();
                int k = (int) Math.min(spec.averagingFrequency(), end - from);
                long r0 = System.nanoTime();
                Checkpoint start = driver.state();   // a copy: the average is written into its arrays
                Broadcast<TrainingState> state = sc.broadcast(TrainingState.of(start));
                WorkerState sum;
                try {
                    sum = sc.parallelize(IntStream.range(0, spec.workers()).boxed().toList(), spec.workers())
                            .map(w -> train(job, state, firstState, data, w, spec.workers(), k, from))
                            .treeAggregate(new WorkerState(), WorkerState::add, WorkerState::add);
                } finally {
                    state.destroy();
                }
                if (sum.count() != spec.workers()) {
                    throw new IllegalStateException(sum.count() + " of " + spec.workers() + " workers returned a state");
                }
                double seconds = (System.nanoTime() - r0) / 1e9;
                driver.restore(sum.averageInto(start, from + k, start.elapsedSeconds()));
                driver.addElapsedSeconds(seconds);
                double[] losses = sum.meanLosses();
                for (int j = 0; j < k; j++) {
                    long i = from + j + 1;
                    log.append(i, losses[j], Double.NaN, seconds / k);
                    listener.onIteration(i, losses[j], Double.NaN, k / seconds);
                    if (!Double.isFinite(losses[j])) {
                        throw new org.ddim4j.train.TrainingDivergedException(i, losses[j], run.checkpoint().toString());
                    }
                    lastLoss = losses[j];
                }
                rounds++;
                long to = from + k;
                if (crossed(from, to, c.training().logFrequency())) {
                    driver.writeSampleGrid();
                }
                if (crossed(from, to, c.training().saveFrequency()) && to < end) {
                    driver.writeCheckpoint();
                }
            }
            if (driver.iteration() >= firstIteration) {
                driver.writeCheckpoint();
                driver.writeLossCurveAndPage(log.rows());
            }
        } finally {
            firstState.destroy();
        }
        return new Result(firstIteration, driver.iteration(), rounds, lastLoss, (System.nanoTime() - t0) / 1e9);
    }

    /** The config of the run in {@code runDir} (its config.yml), to open its data before its checkpoint is read. */
    private static DdimConfig runConfig(Path runDir) {
        Path yml = new TrainingRun(runDir).config();
        if (!Files.isRegularFile(yml)) {
            throw new IllegalArgumentException(runDir + " holds no training run to resume (no " + yml.getFileName() + ")");
        }
        return org.ddim4j.config.ConfigLoader.loadPathOrPreset(yml.toString());
    }

    /** True when a multiple of {@code every} lies in (from, to]. */
    private static boolean crossed(long from, long to, long every) {
        return every > 0 && to / every > from / every;
    }

    /** A worker's round: the broadcast state, K iterations on shard w of W, the new state and the losses. */
    private static WorkerState train(String job, Broadcast<TrainingState> state, Broadcast<byte[]> first, TrainingData data,
                                     int w, int workers, int k, long iteration) {
        TaskThreads.apply();
        return ExecutorPool.with(job, () -> {
            Checkpoint c = checkpoint(first.value());
            return Trainer.fromCheckpoint(c, data.open(c.config()), workerFolder(), TrainingListener.NONE);
        }, (Trainer t) -> {
            t.restore(state.value().into(t.state(), iteration, 0));
            double[] losses = new double[k];
            for (int j = 0; j < k; j++) {
                losses[j] = t.trainStep(w, workers)[0];
            }
            return WorkerState.of(t.state(), losses);
        });
    }

    /** A worker's trainer writes nothing; its run folder is a name it never uses. */
    private static Path workerFolder() {
        return Path.of(System.getProperty("java.io.tmpdir"), "ddim4j-worker-unused");
    }

    static byte[] bytes(Checkpoint c) {
        return LocalFiles.bytesOf(".ckpt", file -> CheckpointFile.write(c, file));
    }

    static Checkpoint checkpoint(byte[] bytes) {
        return LocalFiles.readBytes(bytes, ".ckpt", CheckpointFile::read);
    }
}
