package org.ddim4j.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/** Computes every figure of a {@link QualityReport} from feature sets. */
public final class QualityMetrics {
    private QualityMetrics() {
    }

    /**
     * @param generated features of the evaluated images [N, D]
     * @param reference features of the reference images [M, D]
     * @param training  features of the training images for memorisation, or null to skip it
     * @param features  the feature network's id
     * @param comparable whether the features are pytorch-fid's (published-comparable FID)
     * @param seed      the seed of KID's subsets
     */
    public static QualityReport compute(INDArray generated, INDArray reference, INDArray training, String features,
                                        boolean comparable, long seed) {
        Features.checkSameWidth(generated, reference);
        List<String> notes = new ArrayList<>();
        Double fid = null;
        long need = FrechetDistance.minimumCount(generated.size(1));
        if (generated.size(0) >= need && reference.size(0) >= need) {
            fid = FrechetDistance.between(generated, reference);
        } else {
            notes.add("no FID: it needs at least " + need + " vectors per set (feature width " + generated.size(1)
                    + " + 1), got " + generated.size(0) + " and " + reference.size(0));
        }
        KernelInceptionDistance.Result kid = KernelInceptionDistance.between(generated, reference, seed);
        PrecisionRecall pr = null;
        if (generated.size(0) > PrecisionRecall.DEFAULT_K && reference.size(0) > PrecisionRecall.DEFAULT_K) {
            pr = PrecisionRecall.between(reference, generated);
        } else {
            notes.add("no precision/recall: it needs more than " + PrecisionRecall.DEFAULT_K + " vectors per set");
        }
        Memorisation mem = null;
        if (training != null) {
            mem = Memorisation.of(generated, training);
        }
        return new QualityReport(generated.size(0), reference.size(0), features, comparable, fid, kid, pr, mem, notes);
    }
}
