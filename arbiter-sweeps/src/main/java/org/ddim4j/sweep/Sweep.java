package org.ddim4j.sweep;

import org.ddim4j.data.DatasetFeatures;
import org.ddim4j.data.ImageDatasets;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.data.Split;
import org.ddim4j.metrics.ReferenceFeatures;
import org.ddim4j.metrics.FeatureCache;
import org.ddim4j.metrics.FeatureExtractors;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxTimeCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.GeneticSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sweep with Arbiter: the candidate generator of the spec (grid, random, genetic) over a
 * {@link ConfigSpace}, a {@link SweepTask} per candidate on a {@code LocalOptimizationRunner} with
 * {@code parallel} candidates at once, and termination at the candidate count or the time limit, whichever
 * comes first (Arbiter would otherwise wait for candidates a grid does not have). Results are rewritten
 * after each candidate, so a sweep stopped at any point has its table; {@code resume} skips candidates
 * whose folders hold a finished result for the same values.
 */
public final class Sweep {
    private Sweep() {
    }

    /** Runs the sweep; returns every candidate's record, best first. */
    public static List<CandidateRecord> run(SweepSpec spec, Path out, int parallel, boolean resume) throws IOException {
        if (parallel <= 0) {
            throw new IllegalArgumentException("parallel must be positive, got " + parallel);
        }
        Files.createDirectories(out);
        if (!resume && Files.exists(out.resolve("results.json"))) {
            throw new IllegalArgumentException(out + " already holds a sweep: resume it (--resume) or choose another folder");
        }
        long start = System.nanoTime();
        ConfigSpace space = new ConfigSpace(spec);
        INDArray heldOut = heldOut(spec);
        ReferenceFeatures kidReference = null;
        if (spec.score().needsSamples()) {
            kidReference = DatasetFeatures.reference(FeatureExtractors.open(spec.features(), false), spec.kidDataset(),
                    spec.dataRoot(), Split.TRAIN, spec.base().data().height(), FeatureCache.inHome(), 64);
        }
        List<CandidateRecord> records = Collections.synchronizedList(new ArrayList<>());
        SweepTask task = new SweepTask(spec, out, resume, heldOut, kidReference, r -> {
            records.removeIf(x -> x.index() == r.index());
            records.add(r);
            try {
                SweepResults.write(out, spec, space.keys(), new ArrayList<>(records), (System.nanoTime() - start) / 1e9);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the sweep's results in " + out, e);
            }
        });
        ScoreFunction score = new SpecScore(spec.score().minimize());
        CandidateGenerator generator = switch (spec.search()) {
            case GRID -> new GridSearchCandidateGenerator(space, 1, GridSearchCandidateGenerator.Mode.Sequential, null);
            case RANDOM -> new RandomSearchGenerator(space, null);
            case GENETIC -> new GeneticSearchCandidateGenerator.Builder(space, score).build();
        };
        generator.setRngSeed(spec.seed());
        generator = new LimitedGenerator(generator, spec.candidateCount());
        OptimizationConfiguration config = new OptimizationConfiguration.Builder()
                .candidateGenerator(generator)
                .dataProvider(new NoData())
                .scoreFunction(score)
                .terminationConditions(new MaxCandidatesCondition(spec.candidateCount()),
                        new MaxTimeCondition((long) Math.ceil(spec.maxMinutes() * 60), TimeUnit.SECONDS))
                .build();
        LocalOptimizationRunner runner = new LocalOptimizationRunner(parallel, config, task);
        try {
            runner.execute();
        } finally {
            runner.shutdown(true);
        }
        List<CandidateRecord> all = new ArrayList<>(records);
        SweepResults.write(out, spec, space.keys(), all, (System.nanoTime() - start) / 1e9);
        return SweepResults.ranked(all, spec.score());
    }

    /** A candidate of a sweep whose candidates do not depend on earlier scores: its index and config overrides. */
    public record PlannedCandidate(int index, Map<String, Object> overrides) implements java.io.Serializable {
    }

    /**
     * The candidates {@link #run} would train, in order, for a grid or random search: Arbiter's generator with the
     * spec's seed, as {@code run} builds it. A genetic search's candidates depend on the scores of earlier ones, so it
     * cannot be planned ahead (an IllegalArgumentException).
     */
    @SuppressWarnings("unchecked")
    public static List<PlannedCandidate> candidates(SweepSpec spec) {
        ConfigSpace space = new ConfigSpace(spec);
        CandidateGenerator generator = switch (spec.search()) {
            case GRID -> new GridSearchCandidateGenerator(space, 1, GridSearchCandidateGenerator.Mode.Sequential, null);
            case RANDOM -> new RandomSearchGenerator(space, null);
            case GENETIC -> throw new IllegalArgumentException("a genetic search's candidates depend on earlier scores and "
                    + "cannot be planned ahead; run it with ./ddim sweep, or use search: grid or random");
        };
        generator.setRngSeed(spec.seed());
        generator = new LimitedGenerator(generator, spec.candidateCount());
        List<PlannedCandidate> out = new ArrayList<>();
        while (generator.hasMoreCandidates()) {
            var c = generator.getCandidate();
            out.add(new PlannedCandidate(c.getIndex(), new java.util.LinkedHashMap<>((Map<String, Object>) c.getValue())));
        }
        return out;
    }

    /** The first N images of the dataset's validation split (test split where there is none), in [-1, 1]. */
    static INDArray heldOut(SweepSpec spec) {
        var data = spec.base().data();
        ImageSplit split;
        try {
            split = ImageDatasets.open(data.dataset().key(), spec.dataRoot(), Split.VALID);
        } catch (IllegalArgumentException e) {
            split = ImageDatasets.open(data.dataset().key(), spec.dataRoot(), Split.TEST);
        }
        try (ImageSplit held = split) {
            int n = Math.min(spec.evaluationImages(), held.size());
            if (n == 0) {
                throw new IllegalArgumentException(data.dataset() + ": no held-out images to evaluate candidates on");
            }
            return ImageDatasets.tensors(held, data.height(), 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the held-out images of " + data.dataset() + ": " + e.getMessage(), e);
        }
    }

    /** Arbiter needs a score function for its direction; the scores themselves come from {@link CandidateEvaluator}. */
    static final class SpecScore implements ScoreFunction {
        private final boolean minimize;

        SpecScore(boolean minimize) {
            this.minimize = minimize;
        }

        @Override
        public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
            throw new UnsupportedOperationException("candidates are scored by their task (CandidateEvaluator)");
        }

        @Override
        public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
            throw new UnsupportedOperationException("candidates are scored by their task (CandidateEvaluator)");
        }

        @Override
        public boolean minimize() {
            return minimize;
        }

        @Override
        public List<Class<?>> getSupportedModelTypes() {
            return List.of(Object.class);
        }

        @Override
        public List<Class<?>> getSupportedDataTypes() {
            return List.of(Object.class);
        }
    }

    /** The task reads its own data (the config's dataset); Arbiter's provider is unused. */
    static final class NoData implements DataProvider {
        @Override
        public Object trainData(Map<String, Object> dataParameters) {
            return null;
        }

        @Override
        public Object testData(Map<String, Object> dataParameters) {
            return null;
        }

        @Override
        public Class<?> getDataType() {
            return Object.class;
        }
    }
}
