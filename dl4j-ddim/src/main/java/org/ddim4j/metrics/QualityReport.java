package org.ddim4j.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every quality figure of one feature set against a reference set. A figure that the set sizes do not allow is
 * null and {@link #notes} says why (FID needs more vectors than the feature width).
 *
 * @param generated      vectors in the evaluated set
 * @param reference      vectors in the reference set
 * @param features       the feature network's id (name and weights hash)
 * @param comparable     whether FID is comparable with published figures (pytorch-fid's checked Inception weights)
 * @param fid            FID, or null
 * @param kid            KID (plain MMD^2 mean and std)
 * @param precisionRecall precision and recall, or null
 * @param memorisation   memorisation against the training features, or null when none were given
 * @param notes          why a figure is missing
 */
public record QualityReport(long generated, long reference, String features, boolean comparable, Double fid,
                            KernelInceptionDistance.Result kid, PrecisionRecall precisionRecall,
                            Memorisation memorisation, List<String> notes) {
    public QualityReport {
        notes = List.copyOf(notes);
    }

    /** The figures as a JSON-ready map (KID as plain MMD^2). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("features", features);
        m.put("comparable_with_published_fid", comparable);
        m.put("n_generated", generated);
        m.put("n_reference", reference);
        m.put("fid", fid);
        m.put("kid_mean", kid.mean());
        m.put("kid_std", kid.std());
        m.put("kid_subsets", kid.subsets());
        m.put("kid_subset_size", kid.subsetSize());
        m.put("precision", precisionRecall == null ? null : precisionRecall.precision());
        m.put("recall", precisionRecall == null ? null : precisionRecall.recall());
        m.put("memorised_share", memorisation == null ? null : memorisation.share());
        m.put("nearest_effective_images", memorisation == null ? null : memorisation.effectiveImages());
        m.put("nearest_top10_share", memorisation == null ? null : memorisation.topShare(10));
        if (!notes.isEmpty()) {
            m.put("notes", notes);
        }
        return m;
    }
}
