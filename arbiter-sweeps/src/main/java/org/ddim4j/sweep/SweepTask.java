package org.ddim4j.sweep;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.unet.UNet;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.data.Datasets;
import org.ddim4j.metrics.ReferenceFeatures;
import org.ddim4j.evaluation.SampleDraws;
import org.ddim4j.evaluation.SampleQuality;
import org.ddim4j.metrics.QualityReport;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.batches.BatchSource;
import org.ddim4j.train.Trainer;
import org.ddim4j.train.TrainingListener;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ddim4j.model.CheckpointFile;
import org.ddim4j.model.TrainingRun;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Arbiter's task for one candidate: apply its overrides to the base config, train it with the project's
 * trainer within the budget, score it ({@link CandidateEvaluator}) and save everything in
 * {@code OUT/candidate-NNN/} (run folder, {@code result.json}). A candidate that throws, or whose loss turns
 * NaN, is recorded as failed with its error, and the sweep goes on. With resume, a candidate whose folder
 * already holds a finished result for the same overrides is not trained again. Candidates that differ only
 * in sampling settings share one trained network ({@link #trainingKey}).
 */
final class SweepTask implements TaskCreator {
    private static final Logger LOG = LoggerFactory.getLogger(SweepTask.class);
    private final SweepSpec spec;
    private final Path out;
    private final boolean resume;
    private final INDArray heldOut;
    private final ReferenceFeatures kidReference;
    private final Consumer<CandidateRecord> onFinished;

    /** @param kidReference the training images' features when the score needs samples (KID, FID), else null */
    SweepTask(SweepSpec spec, Path out, boolean resume, INDArray heldOut, ReferenceFeatures kidReference,
              Consumer<CandidateRecord> onFinished) {
        this.spec = spec;
        this.out = out;
        this.resume = resume;
        this.heldOut = heldOut;
        this.kidReference = kidReference;
        this.onFinished = onFinished;
    }

    /**
     * KID (and FID where the sample count allows) of spec.kid_samples deterministic samples from the sweep's seed.
     * The feature network is one object for the whole sweep: parallel candidates take turns on it.
     */
    private QualityReport sampleQuality(DdimModel model) {
        Sampler sampler = CandidateEvaluator.generating(model);
        INDArray samples = SampleDraws.draw(model, sampler, spec.kidSamples(), Math.min(64, spec.kidSamples()), spec.seed(), n -> {
        });
        synchronized (kidReference) {
            return SampleQuality.measure(samples, kidReference, 64, spec.seed()).samples();
        }
    }

    /** A network trained for a sweep, with where it came from. */
    private record Trained(int index, UNet network, long iterations, double loss, double seconds) {
    }

    /** Networks by their training key, so candidates that differ only in sampling settings train once. */
    private final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<Trained>> trainedBy =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The config with its sampling-only settings (diffusion.num_t_steps, skip_type, eta, sampler, guidance) at fixed values:
     * candidates with the same key train identically (the trainer draws everything from the seed), so the
     * sweep trains their network once and scores it with each candidate's sampler. Within one run of the
     * sweep only: a resumed sweep trains again for a candidate whose twin finished before.
     */
    static String trainingKey(DdimConfig config) {
        var d = config.diffusion();
        return ConfigLoader.toYaml(config.withDiffusion(d.withSampling(1, TimestepSpacing.UNIFORM, 0.0).withSampler(SamplerKind.DDIM)
                .withGuidance(0.0)));
    }

    private Trained trainFresh(int index, String key, DdimConfig config, Path folder) throws java.io.IOException {
        long t0 = System.nanoTime();
        BatchSource data = Datasets.trainingBatches(config.data(), spec.dataRoot(), spec.seed());
        LOG.info("candidate {}: {} ({} training images)", index, key, data.size());
        Path runDir = folder.resolve("run");
        Trainer trainer;
        if (Files.exists(new TrainingRun(runDir).checkpoint())) {
            // a resumed sweep: this candidate was stopped while training; continue it from its checkpoint (bit for bit
            // the uninterrupted run), unless the folder holds another candidate's run
            DdimConfig found = CheckpointFile.read(new TrainingRun(runDir).checkpoint()).config();
            if (!resume || !found.equals(config)) {
                throw new IllegalArgumentException(runDir + " holds another candidate's training run: the sweep file changed"
                        + " since this folder was used; resume with the same file or choose another --out folder");
            }
            trainer = Trainer.resume(runDir, data, new TrainingListener() {
            }, 0);
            LOG.info("candidate {}: continuing its run from iteration {}", index, trainer.iteration());
        } else {
            trainer = Trainer.start(config, data, runDir, new TrainingListener() {
            });
        }
        Duration limit = null;
        if (spec.budgetMinutes() > 0) {
            // a resumed candidate gets what is left of its budget (its checkpoint records the training time spent),
            // not the whole budget again
            double left = spec.budgetMinutes() * 60 - trainer.elapsedSeconds();
            limit = Duration.ofMillis(Math.max(0, (long) (left * 1000)));
        }
        double loss = trainer.train(limit);
        return new Trained(index, trainer.model().network(), trainer.iteration(), loss, (System.nanoTime() - t0) / 1e9);
    }

    Path out() {
        return out;
    }

    static Path folder(Path out, int index) {
        return out.resolve(String.format("candidate-%03d", index));
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, DataProvider dataProvider, ScoreFunction scoreFunction,
                                               List<StatusListener> statusListeners, IOptimizationRunner runner) {
        return () -> run(candidate);
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, Class<? extends DataSource> dataSource,
                                               Properties dataSourceProperties, ScoreFunction scoreFunction,
                                               List<StatusListener> statusListeners, IOptimizationRunner runner) {
        return () -> run(candidate);
    }

    @SuppressWarnings("unchecked")
    private OptimizationResult run(Candidate candidate) {
        int index = candidate.getIndex();
        Map<String, Object> overrides = (Map<String, Object>) candidate.getValue();
        String key = CandidateRecord.keyOf(overrides);
        Path folder = folder(out, index);
        long created = System.currentTimeMillis();
        CandidateRecord record = resume ? CandidateRecord.read(folder) : null;
        if (record != null && record.key().equals(key)) {
            LOG.info("candidate {} ({}) already finished: {}", index, key, record.status());
        } else {
            record = train(index, overrides, key, folder);
        }
        onFinished.accept(record);
        Double score = record.complete() ? record.scores().get(spec.score()) : null;
        CandidateInfo info = new CandidateInfo(index, record.complete() ? CandidateStatus.Complete : CandidateStatus.Failed,
                score, created, created, System.currentTimeMillis(), candidate.getFlatParameters(), record.error());
        return new OptimizationResult(candidate, score, index, record, info, null);
    }

    CandidateRecord train(int index, Map<String, Object> overrides, String key, Path folder) {
        long t0 = System.nanoTime();
        try {
            DdimConfig config = ConfigOverrides.apply(spec.base(), overrides);
            var t = config.training();
            int iterations = spec.budgetIterations() > 0 ? spec.budgetIterations() : Integer.MAX_VALUE / 2;
            config = config.withTraining(t.withIterations(iterations, Math.max(1, Math.min(t.logFrequency(), iterations)),
                    Math.max(1, Math.min(t.saveFrequency(), iterations))).withSeed(spec.seed()));
            DdimConfig trainingConfig = config;
            Trained trained;
            CompletableFuture<Trained> mine = new CompletableFuture<>();
            CompletableFuture<Trained> earlier = trainedBy.putIfAbsent(trainingKey(config), mine);
            if (earlier != null) {
                // only sampling settings differ from a candidate trained already: reuse its network
                trained = earlier.join();
                LOG.info("candidate {}: {} reuses the network of candidate {}", index, key, trained.index());
            } else {
                try {
                    trained = trainFresh(index, key, trainingConfig, folder);
                    mine.complete(trained);
                } catch (Exception | Error e) {
                    mine.completeExceptionally(e);
                    trainedBy.remove(trainingKey(config), mine);
                    throw e;
                }
            }
            // a network is confined to one thread (its plans' buffers): a candidate reusing another's gets its own copy,
            // since with --parallel both may be scored at once
            DdimModel model = new DdimModel(config, earlier != null ? trained.network().copy() : trained.network());
            long iterationsDone = trained.iterations();
            double loss = trained.loss();
            double trainingSeconds = trained.seconds();
            double[] s = CandidateEvaluator.evaluate(model, heldOut, spec.inversionIterations(), spec.seed());
            for (double v : s) {
                if (!Double.isFinite(v)) {
                    throw new IllegalStateException("a score is not finite: " + java.util.Arrays.toString(s));
                }
            }
            QualityReport quality = kidReference == null ? null : sampleQuality(model);
            CandidateScores scores = new CandidateScores(s[0], s[1], s[2], iterationsDone, loss, trainingSeconds,
                    quality == null ? null : quality.kid().mean(), quality == null ? null : quality.kid().std(),
                    quality == null ? null : quality.fid());
            if (quality != null && !Double.isFinite(scores.get(spec.score()))) {
                throw new IllegalStateException("no " + spec.score().name().toLowerCase() + " for this candidate: "
                        + quality.notes());
            }
            CandidateRecord r = new CandidateRecord(index, overrides, key, "complete", scores, null, (System.nanoTime() - t0) / 1e9);
            r.write(folder);
            return r;
        } catch (Exception | OutOfMemoryError e) {
            LOG.warn("candidate {} ({}) failed: {}", index, key, e.toString());
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            CandidateRecord r = new CandidateRecord(index, overrides, key, "failed", null, e + "\n" + trace,
                    (System.nanoTime() - t0) / 1e9);
            try {
                java.nio.file.Files.createDirectories(folder);
                r.write(folder);
            } catch (java.io.IOException io) {
                LOG.warn("cannot record candidate {}: {}", index, io.toString());
            }
            return r;
        }
    }
}
