package org.ddim4j.sweep;

import org.ddim4j.data.DatasetFeatures;
import org.ddim4j.data.Split;
import org.ddim4j.metrics.FeatureCache;
import org.ddim4j.metrics.FeatureExtractors;
import org.ddim4j.metrics.ReferenceFeatures;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One candidate of a sweep at a time, outside Arbiter's runner (for a distributed sweep: dl4j-ddim-spark runs one per
 * task): trains and scores it exactly as {@link Sweep#run} does, into {@code OUT/candidate-NNN/}. The held-out images
 * and the KID reference are read once per runner.
 */
public final class CandidateRunner {
    private final SweepTask task;

    private CandidateRunner(SweepTask task) {
        this.task = task;
    }

    /** A runner writing candidate folders under {@code out}. */
    public static CandidateRunner open(SweepSpec spec, Path out) throws IOException {
        INDArray heldOut = Sweep.heldOut(spec);
        ReferenceFeatures kid = null;
        if (spec.score().needsSamples()) {
            kid = DatasetFeatures.reference(FeatureExtractors.open(spec.features(), false), spec.kidDataset(),
                    spec.dataRoot(), Split.TRAIN, spec.base().data().height(), FeatureCache.inHome(), 64);
        }
        return new CandidateRunner(new SweepTask(spec, out, false, heldOut, kid, r -> {
        }));
    }

    /** Trains and scores candidate {@code index}; a failure is recorded in the result, not thrown. */
    public CandidateRecord run(int index, Map<String, Object> overrides) {
        return task.train(index, overrides, CandidateRecord.keyOf(overrides), SweepTask.folder(task.out(), index));
    }

    /** A candidate's folder under a sweep's output folder. */
    public static Path folder(Path out, int index) {
        return SweepTask.folder(out, index);
    }

    /** The results table, report and charts of these records, as {@link Sweep#run} writes them; best first. */
    public static List<CandidateRecord> writeResults(Path out, SweepSpec spec, List<CandidateRecord> records, double seconds)
            throws IOException {
        SweepResults.write(out, spec, new ConfigSpace(spec).keys(), records, seconds);
        return SweepResults.ranked(records, spec.score());
    }
}
