package org.ddim4j.train;

import org.ddim4j.config.Choices;
import org.ddim4j.batches.BatchSource;
import org.ddim4j.optim.GradientClipping;
import org.ddim4j.optim.TrainingOptimizer;
import org.ddim4j.optim.LearningRateSchedule;
import org.ddim4j.config.LossWeighting;
import org.ddim4j.model.TrainingRun;
import org.ddim4j.io.Bounds;
import org.ddim4j.model.CheckpointFile;
import org.ddim4j.model.Checkpoint;
import org.ddim4j.random.Seeds;
import org.ddim4j.image.Flips;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.image.Images;
import com.google.gson.JsonObject;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.Prediction;
import org.ddim4j.unet.GraphContext;
import org.ddim4j.unet.UNet;
import org.ddim4j.unet.UNetArchitecture;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the U-Net to predict the noise of q(x_t | x_0) (DDPM's simple loss, with the seed's choices):
 * <ol>
 *   <li>x_0: a batch of training images, each flipped horizontally with probability data.flip_horizontal (the
 *       images of a class in training.class_repeats drawn that many times as often, {@link BatchSource#withClassRepeats})</li>
 *   <li>t: antithetic pairs, t and T - 1 - t, as the seed draws them</li>
 *   <li>x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise, noise ~ N(0, I)</li>
 *   <li>loss = mean |eps(x_t, t) - noise| (l1) or mean squared (l2); dropout on. A class-conditional network
 *       (network.class_conditional) sees each image's label, replaced by the null class with probability
 *       training.label_dropout (classifier-free guidance's training, Ho and Salimans 2022, algorithm 1). With
 *       diffusion.prediction v the target is v = sqrt(alpha_bar_t) noise - sqrt(1 - alpha_bar_t) x_0 ({@link Prediction#target}); with
 *       training.loss_weighting min-snr each image's loss is weighted by {@link LossWeights}</li>
 *   <li>gradients clipped to global norm optimizer.gradient_clip, then one Adam step (PyTorch's) at the rate of
 *       {@link LearningRateSchedule} (optimizer.learning_rate throughout, as the seed, unless a warm-up or a decay
 *       is configured)</li>
 *   <li>BatchNorm running statistics and the EMA of the weights updated (decay network.ema, warmed up
 *       as {@link Ema#warmedUpDecay})</li>
 * </ol>
 * Every random draw of iteration i comes from (training.seed, i), so a resumed run repeats an uninterrupted
 * one exactly. Checkpoints every training.save_frequency iterations and at the end; sample grids from fixed
 * noise with the EMA weights every training.log_frequency iterations.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final double BATCH_NORM_MOMENTUM = 0.1;
    /** The optimiser sees all trainable tensors as one vector under this name. */
    private static final String FLAT = "parameters";

    private DdimConfig config;
    private final BatchSource data;
    private final TrainingRun run;
    private final TrainingListener listener;
    private final UNet network;
    private final UNet ema;
    private final TrainingOptimizer optimizer;
    private final NoiseSchedule schedule;
    private LearningRateSchedule learningRates;
    private final long seed;
    private TrainingGraph graph;
    /** The trainable weights and their EMA as vectors: the networks' tensors are views of them. */
    private final INDArray weightsFlat;
    private final INDArray emaFlat;
    private boolean emaBuffersStale;
    private long iteration;
    private double elapsedSeconds;
    private QualityProbe probe;

    private Trainer(DdimConfig config, BatchSource data, Path runDir, TrainingListener listener, UNet network, UNet ema,
                    TrainingOptimizer optimizer, long iteration, double elapsedSeconds) {
        this.config = config;
        this.data = data.withClassRepeats(config.training().classRepeats());
        this.run = new TrainingRun(runDir);
        this.listener = listener;
        this.network = network;
        this.ema = ema;
        this.optimizer = optimizer;
        this.schedule = config.diffusion().noiseSchedule();
        this.learningRates = LearningRateSchedule.of(config.optimizer(), config.training().numI());
        this.seed = config.training().seed();
        this.iteration = iteration;
        this.elapsedSeconds = elapsedSeconds;
        this.weightsFlat = network.parameters().trainableVector();
        this.emaFlat = ema.parameters().trainableVector();
    }

    /** A new run in {@code runDir}, which must not hold a checkpoint already. */
    public static Trainer start(DdimConfig config, BatchSource data, Path runDir, TrainingListener listener)
            throws IOException {
        TrainingRun run = new TrainingRun(runDir);
        if (Files.exists(run.checkpoint())) {
            throw new IllegalArgumentException(runDir + " already holds a training run (" + run.checkpoint().getFileName()
                    + "); continue it with --resume or choose another --out folder");
        }
        config = withDataClasses(config, data);
        checkData(config, data);
        Files.createDirectories(runDir);
        AtomicFiles.writeString(run.config(), ConfigLoader.toYaml(config));
        UNet net = UNet.create(config.network(), config.data().shape(), Seeds.mix(config.training().seed(), -2));
        return new Trainer(config, data, runDir, listener, net, net.copy(), TrainingOptimizer.from(config.optimizer()), 0, 0);
    }

    /**
     * Continues the run in {@code runDir} from its checkpoint. {@code numIterations}, when positive, replaces the
     * run's training.num_i (to train longer); nothing else of the configuration can change.
     */
    public static Trainer resume(Path runDir, BatchSource data, TrainingListener listener, int numIterations) {
        TrainingRun run = new TrainingRun(runDir);
        if (!Files.exists(run.checkpoint())) {
            throw new IllegalArgumentException(runDir + " holds no checkpoint to resume (expected "
                    + run.checkpoint() + ")");
        }
        Checkpoint c = CheckpointFile.read(run.checkpoint());
        DdimConfig config = c.config();
        if (numIterations > 0) {
            var t = config.training();
            config = config.withTraining(t.withIterations(numIterations, t.logFrequency(), t.saveFrequency()));
        }
        return fromCheckpoint(new Checkpoint(config, c.iteration(), c.seed(), c.weights(), c.ema(), c.optimizerState(),
                c.elapsedSeconds()), data, runDir, listener);
    }

    /**
     * A trainer continuing from a state held in memory (a checkpoint's, or the averaged state of parameter-averaging
     * workers). Nothing is written to {@code runDir} until {@link #train} or a {@code write} method runs.
     */
    public static Trainer fromCheckpoint(Checkpoint c, BatchSource data, Path runDir, TrainingListener listener) {
        DdimConfig config = c.config();
        checkData(config, data);
        UNetArchitecture arch = UNetArchitecture.of(config);
        TrainingOptimizer optimizer = TrainingOptimizer.from(config.optimizer());
        optimizer.restore(c.optimizerState());
        return new Trainer(config, data, runDir, listener, new UNet(arch, c.weights().copy()), new UNet(arch, c.ema().copy()),
                optimizer, c.iteration(), c.elapsedSeconds());
    }

    /** The whole state (copies): what a checkpoint holds. */
    public Checkpoint state() {
        Map<String, INDArray> opt = new java.util.LinkedHashMap<>();
        optimizer.state().forEach((k, a) -> opt.put(k, a.dup()));
        return new Checkpoint(config, iteration, seed, network.parameters().copy(), ema().parameters().copy(), opt, elapsedSeconds);
    }

    /**
     * Takes the state of {@code c} (weights, EMA, optimiser, iteration, elapsed time), which must be of this run's
     * network; the compiled training graph is kept.
     */
    public void restore(Checkpoint c) {
        network.parameters().assign(c.weights());
        ema.parameters().assign(c.ema());
        emaBuffersStale = false;
        optimizer.restore(c.optimizerState());
        iteration = c.iteration();
        elapsedSeconds = c.elapsedSeconds();
    }

    /**
     * A conditional config whose classes are still to be filled, with the dataset's names and counts; any other config
     * as it is.
     */
    public static DdimConfig withDataClasses(DdimConfig config, BatchSource data) {
        var n = config.network();
        if (!n.classConditional() || n.numClasses() > 0) {
            return config;
        }
        if (data.classNames().isEmpty()) {
            throw new IllegalArgumentException("network.class_conditional: " + config.data().dataset()
                    + "'s training images carry no class labels; train this dataset unconditionally");
        }
        return config.withNetwork(n.withClasses(data.classNames(), data.classCounts()));
    }

    private static void checkData(DdimConfig config, BatchSource data) {
        var n = config.network();
        if (n.classConditional() && !n.classNames().equals(data.classNames())) {
            throw new IllegalArgumentException("network.class_names " + n.classNames()
                    + " differ from the classes of the training images " + data.classNames());
        }
        data.withClassRepeats(config.training().classRepeats()); // refuses names the images do not carry, before any file
        INDArray probe = data.batch(0, 1);
        long[] expected = {1, config.data().channels(), config.data().height(), config.data().width()};
        if (!java.util.Arrays.equals(probe.shape(), expected)) {
            throw new IllegalArgumentException("the dataset gives images of shape "
                    + java.util.Arrays.toString(java.util.Arrays.copyOfRange(probe.shape(), 1, 4))
                    + " but data.shape is " + config.data().shape());
        }
    }

    public DdimConfig config() {
        return config;
    }

    /**
     * Sets training.num_i, the iteration the run ends at and its learning-rate decay reaches 0 (for a run sized to a
     * time budget once its speed is known: the warm-up does not depend on it). Recorded in the next checkpoint, so a
     * resumed run follows the same curve.
     *
     * @throws IllegalArgumentException if {@code total} is below the iterations already trained
     */
    public Trainer withTotalIterations(int total) {
        if (total < iteration || total <= 0) {
            throw new IllegalArgumentException("training.num_i must be at least the " + iteration
                    + " iterations trained so far and positive, got " + total);
        }
        var t = config.training();
        config = config.withTraining(t.withIterations(total, t.logFrequency(), t.saveFrequency()));
        learningRates = LearningRateSchedule.of(config.optimizer(), total);
        try {
            AtomicFiles.writeString(run.config(), ConfigLoader.toYaml(config));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not rewrite " + run.config(), e);
        }
        return this;
    }

    /**
     * Measures sample quality with the probe every evaluation.kid_every iterations (into kid.csv and kid.png of the
     * run folder); no measurement when kid_every is 0.
     */
    public Trainer withQualityProbe(QualityProbe probe) {
        this.probe = probe;
        return this;
    }

    public long iteration() {
        return iteration;
    }

    /** Training time spent on this run so far, over every session (kept in the checkpoint; what time limits count). */
    public double elapsedSeconds() {
        return elapsedSeconds;
    }

    public UNet network() {
        return network;
    }

    /** The EMA network, its BatchNorm statistics brought up to date. */
    public UNet ema() {
        if (emaBuffersStale) {
            Ema.copyBuffers(ema.parameters(), network.parameters());
            emaBuffersStale = false;
        }
        return ema;
    }

    public TrainingRun run() {
        return run;
    }

    /** The model to sample from: the EMA network. */
    public DdimModel model() {
        return new DdimModel(config, ema());
    }

    /**
     * Trains until training.num_i iterations or the time limit (null for none), whichever comes first, then
     * writes a checkpoint, the model file, the loss curve and a last sample grid.
     *
     * @return the loss of the last iteration: the one logged before the checkpoint when a resumed run has none left
     *         to train (NaN if the log has no row for it)
     */
    public double train(Duration timeLimit) throws IOException {
        long end = config.training().numI();
        ensureGraph();
        listener.onStart(iteration + 1, end);
        long startNanos = System.nanoTime();
        double sessionStartElapsed = elapsedSeconds;
        double rate = 0;
        try (LossLog log = new LossLog(run.lossCsv(), iteration)) {
            List<double[]> logged = log.rows();
            double lastLoss = !logged.isEmpty() && logged.get(logged.size() - 1)[0] == iteration
                    ? logged.get(logged.size() - 1)[1] : Double.NaN;
            while (iteration < config.training().numI()) {   // (re-read: withTotalIterations may move the end)
                if (timeLimit != null && System.nanoTime() - startNanos >= timeLimit.toNanos()) {
                    LOG.info("time limit of {} reached at iteration {}", timeLimit, iteration);
                    break;
                }
                long t0 = System.nanoTime();
                double[] lossAndNorm = step(iteration + 1);
                double seconds = (System.nanoTime() - t0) / 1e9;
                iteration++;
                elapsedSeconds = sessionStartElapsed + (System.nanoTime() - startNanos) / 1e9;
                lastLoss = lossAndNorm[0];
                log.append(iteration, lossAndNorm[0], lossAndNorm[1], seconds);
                rate = rate == 0 ? 1 / seconds : 0.9 * rate + 0.1 / seconds;
                listener.onIteration(iteration, lossAndNorm[0], lossAndNorm[1], rate);
                if (iteration % config.training().logFrequency() == 0) {
                    writeSamples();
                    LossCurve.write(log.rows(), "training loss (" + Choices.name(config.training().criterion()) + ")", run.lossCurve());
                }
                int kidEvery = config.evaluation().kidEvery();
                if (probe != null && kidEvery > 0 && iteration % kidEvery == 0) {
                    measureQuality();
                }
                if (iteration % config.training().saveFrequency() == 0) {
                    saveCheckpoint();
                }
            }
            if (iteration > 0) {
                saveCheckpoint();
                LossCurve.write(log.rows(), "training loss (" + Choices.name(config.training().criterion()) + ")", run.lossCurve());
                if (iteration % config.training().logFrequency() != 0) {
                    writeSamples();
                }
                RunPage.write(run, config, iteration, elapsedSeconds);
            }
            return lastLoss;
        }
    }

    /**
     * One training iteration, as {@link #train} runs them, without logging, sample grids or checkpoints (for
     * benchmarks and custom loops).
     *
     * @return {loss, gradient norm before clipping}
     */
    public double[] trainStep() {
        return trainStep(0, 1);
    }

    /**
     * One iteration on shard {@code shard} of {@code shards} equal row ranges of the iteration's batch (its images,
     * timesteps and noise as a single process draws them; training.batch_size must divide into the shards): what one
     * of {@code shards} data-parallel workers computes. The loss is the shard's mean, so the gradient averaged over the
     * shards is the whole batch's. Dropout masks are drawn for the shard's shape (not rows of the batch's masks), and
     * BatchNorm statistics are the shard's.
     *
     * @return {loss, gradient norm before clipping}
     */
    public double[] trainStep(int shard, int shards) {
        int batch = config.training().batchSize();
        if (shards < 1 || shard < 0 || shard >= shards || batch % shards != 0) {
            throw new IllegalArgumentException("shard " + shard + " of " + shards + ": needs 0 <= shard < shards and shards "
                    + "dividing training.batch_size " + batch);
        }
        ensureGraph();
        double[] lossAndNorm = step(iteration + 1, (long) shard * batch / shards, (long) (shard + 1) * batch / shards);
        iteration++;
        return lossAndNorm;
    }

    private void ensureGraph() {
        if (graph == null) {
            graph = new TrainingGraph(network.architecture(), network.parameters(), config.training().criterion(),
                    config.training().lossWeighting() != LossWeighting.UNIFORM);
        }
    }

    /** One training iteration (1-based number i); returns {loss, gradient norm before clipping}. */
    double[] step(long i) {
        return step(i, 0, config.training().batchSize());
    }

    /** Iteration i on rows [from, to) of its batch; returns {loss, gradient norm before clipping}. */
    private double[] step(long i, long from, long to) {
        long stepSeed = Seeds.mix(seed, i);
        SplittableRandom rng = new SplittableRandom(stepSeed);
        int batch = config.training().batchSize();
        int numT = schedule.numSteps();
        // 1. the batch, flipped horizontally with probability flip_horizontal (flip_vertical likewise)
        INDArray x0 = data.batch(i - 1, batch).castTo(DataType.FLOAT);
        x0 = Flips.random(x0, rng, config.data().effectiveFlipHorizontal(), true);
        x0 = Flips.random(x0, rng, config.data().randomFlip() ? config.data().flipVertical() : 0, false);
        // 2. antithetic timesteps: t and T - 1 - t
        int half = batch / 2 + 1;
        int[] ts = new int[batch];
        int[] drawn = new int[half];
        for (int k = 0; k < half; k++) {
            drawn[k] = rng.nextInt(numT);
        }
        for (int k = 0; k < batch; k++) {
            ts[k] = k < half ? drawn[k] : numT - 1 - drawn[k - half];
        }
        // 3. x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise
        INDArray noise = Seeds.gaussian(Seeds.mix(stepSeed, 1), x0.shape());
        INDArray xt = schedule.addNoise(x0, noise, ts);
        float[] tFloat = new float[batch];
        for (int k = 0; k < batch; k++) {
            tFloat[k] = ts[k];
        }
        // 4. forward and backward: the target is the noise or v (diffusion.prediction), each image weighted by its
        //    timestep under min-SNR weighting
        INDArray target = config.diffusion().prediction().target(schedule, x0, noise, ts);
        INDArray weights = LossWeights.of(config.training(), config.diffusion().prediction(), schedule, ts);
        INDArray t = Nd4j.createFromArray(tFloat);
        INDArray labels = config.network().classConditional() ? labels(i, stepSeed, batch) : null;
        if (to - from < batch) {   // a data-parallel worker's rows of the batch
            var rows = org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to);
            xt = xt.get(rows).dup();
            t = t.get(rows).dup();
            target = target.get(rows).dup();
            weights = weights == null ? null : weights.get(rows).dup();
            labels = labels == null ? null : labels.get(rows).dup();
        }
        TrainingGraph.Pass pass = graph.run(xt, t, target, weights, labels, Seeds.mix(stepSeed, 2));
        if (!Double.isFinite(pass.loss())) {
            throw new TrainingDivergedException(i, pass.loss(), lastCheckpointName());
        }
        // 5. clip and step (the gradients are one vector laid out as weightsFlat, written by the graph's plan)
        INDArray grads = pass.gradientVector();
        double norm = GradientClipping.clipGlobalNorm(Map.of(FLAT, grads), config.optimizer().gradientClip());
        if (!Double.isFinite(norm)) {
            // a finite loss with a NaN or infinite gradient: the step would poison the weights and Adam's moments
            throw new TrainingDivergedException(i, "gradient norm", norm, lastCheckpointName());
        }
        // (updates the network's tensors, views of weightsFlat; consumes the gradients as its scratch)
        optimizer.apply(Map.of(FLAT, weightsFlat), Map.of(FLAT, grads), learningRates.at(i));
        // 6. running statistics and EMA (the EMA's BatchNorm statistics are copied when next needed)
        updateRunningStatistics(pass.batchStatistics(), (int) (to - from));
        Ema.update(emaFlat, weightsFlat, Ema.warmedUpDecay(config.network().ema(), i));
        emaBuffersStale = true;
        return new double[]{pass.loss(), norm};
    }

    /**
     * The one-hot labels of iteration i's images, each replaced by the null class (a zero row) with probability
     * training.label_dropout, drawn from a stream of its own (the other draws are an unconditional run's).
     */
    private INDArray labels(long i, long stepSeed, int batch) {
        int[] labels = data.labels(i - 1, batch);
        SplittableRandom drop = new SplittableRandom(Seeds.mix(stepSeed, 3));
        for (int k = 0; k < batch; k++) {
            if (drop.nextDouble() < config.training().labelDropout()) {
                labels[k] = -1;
            }
        }
        return org.ddim4j.model.ClassPrior.of(config.network()).oneHot(labels);
    }

    private void updateRunningStatistics(Map<String, INDArray> stats, int batch) {
        for (GraphContext.BatchStatistics b : graph.batchStatisticsLayout()) {
            INDArray mean = stats.get(b.meanVariable());
            INDArray var = stats.get(b.varianceVariable());
            long n = batch * b.count();
            INDArray unbiased = var.mul((double) n / Math.max(1, n - 1));
            var p = network.parameters();
            p.get(b.normName() + ".running_mean").muli(1 - BATCH_NORM_MOMENTUM).addi(mean.mul(BATCH_NORM_MOMENTUM));
            p.get(b.normName() + ".running_var").muli(1 - BATCH_NORM_MOMENTUM).addi(unbiased.muli(BATCH_NORM_MOMENTUM));
            INDArray counter = p.get(b.normName() + ".num_batches_tracked");
            counter.assign(counter.getLong(0) + 1);
        }
    }

    private String lastCheckpointName() {
        return Files.exists(run.checkpoint()) ? run.checkpoint().toString() : "(none written yet)";
    }

    /** Writes the checkpoint and the model file now (as {@link #train} does every training.save_frequency). */
    public void writeCheckpoint() throws IOException {
        saveCheckpoint();
    }

    /** Writes the sample grid of this iteration and the run page (as {@link #train} does every training.log_frequency). */
    public void writeSampleGrid() throws IOException {
        writeSamples();
    }

    /** Writes the loss curve of these loss-log rows and the run page (as {@link #train} does at its end). */
    public void writeLossCurveAndPage(List<double[]> lossRows) throws IOException {
        LossCurve.write(lossRows, "training loss (" + Choices.name(config.training().criterion()) + ")", run.lossCurve());
        RunPage.write(run, config, iteration, elapsedSeconds);
    }

    /** Records training time spent outside {@link #train} (a driver of data-parallel workers). */
    public void addElapsedSeconds(double seconds) {
        elapsedSeconds += seconds;
    }

    private void saveCheckpoint() throws IOException {
        if (!Bounds.allFinite(weightsFlat) || !Bounds.allFinite(emaFlat)) {
            // (an optimiser state or weights poisoned some other way: never overwrite the last good checkpoint)
            throw new TrainingDivergedException(iteration, "weights", Double.NaN, lastCheckpointName());
        }
        CheckpointFile.write(new Checkpoint(config, iteration, seed, network.parameters(), ema().parameters(),
                optimizer.state(), elapsedSeconds), run.checkpoint());
        ModelFile.save(model(), run.model());
        listener.onCheckpoint(iteration, run.checkpoint());
    }

    /**
     * Measures the EMA model with the probe, logs and plots the figures, keeps the model if its KID is the lowest of
     * the run so far ({@link TrainingRun#bestKidModel()}: sample quality can peak well before a run ends), and tells
     * the listener. The earlier measurements are the log's rows up to this iteration, so a resumed run compares with
     * the same ones as an uninterrupted run.
     */
    private void measureQuality() throws IOException {
        DdimModel measured = model();
        QualityProbe.Measurement m = probe.measure(measured);
        KidLog.append(run.kidCsv(), iteration, m);
        List<double[]> rows = KidLog.read(run.kidCsv(), iteration);
        KidLog.plot(rows, run.kidCurve());
        boolean lowest = Double.isFinite(m.kid()) && rows.stream().allMatch(r -> r[0] == iteration || !(r[1] <= m.kid()));
        if (lowest) {
            // the old description goes first: a crash before the new one is written leaves a kept model without one,
            // never a model described by another measurement's figures
            Files.deleteIfExists(run.bestKid());
            ModelFile.save(measured, run.bestKidModel());
            JsonObject best = new JsonObject();
            best.addProperty("iteration", iteration);
            best.addProperty("kid", m.kid());
            best.addProperty("kid_std", m.kidStd());
            AtomicFiles.writeString(run.bestKid(), best.toString());
            LOG.info("iteration {}: KID {} is the run's lowest; kept as {}", iteration, m.kid(), run.bestKidModel());
        }
        listener.onQuality(iteration, m);
    }

    /** The fixed noise of the run's sample grids. */
    public INDArray fixedNoise() {
        UNetArchitecture a = network.architecture();
        return Seeds.gaussian(Seeds.mix(seed, -1), config.training().logBatchSize(), a.inChannels(), a.size(), a.size());
    }

    private void writeSamples() throws IOException {
        DdimSampler sampler = model().sampler();
        INDArray noise = fixedNoise();
        INDArray x = sampler.sample(model().generatingPredictor((int) noise.size(0), Seeds.mix(seed, -4)), noise,
                Nd4j.getRandomFactory().getNewRandomInstance(Seeds.mix(seed, -3)));
        Path grid = run.sampleGrid(iteration);
        Files.createDirectories(grid.getParent());
        Images.writePng(Images.grid(x), grid);
        RunPage.write(run, config, iteration, elapsedSeconds);
        listener.onSamples(iteration, grid);
    }
}
