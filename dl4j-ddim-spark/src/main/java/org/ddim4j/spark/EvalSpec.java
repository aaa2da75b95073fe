package org.ddim4j.spark;

import org.ddim4j.data.Split;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;

import java.io.Serializable;
import java.util.List;

/**
 * What {@link EvalJob} measures: {@code count} samples (batch b from {@code Seeds.mix(seed, b)}, as {@code ./ddim
 * eval --batch} draws them: the shard size is a multiple of the batch so batches start where it starts them) against
 * every image of a dataset split, both as features of {@code features} ({@code emoji}, {@code emoji=F.zip},
 * {@code inception=F.pth}: a file every executor can read). A class-conditional model draws {@code classes} in the
 * proportions of their training images (as {@code ./ddim eval --class}), every class when it is empty.
 */
public record EvalSpec(long count, long seed, int steps, TimestepSpacing spacing, SamplerKind sampler, int batch,
                       int shardSize, String dataset, String root, Split split, String features,
                       boolean inceptionUnchecked, List<String> classes) implements Serializable {
    /** Every class of a conditional model drawn in its training proportions. */
    public EvalSpec(long count, long seed, int steps, TimestepSpacing spacing, SamplerKind sampler, int batch,
                    int shardSize, String dataset, String root, Split split, String features, boolean inceptionUnchecked) {
        this(count, seed, steps, spacing, sampler, batch, shardSize, dataset, root, split, features, inceptionUnchecked,
                List.of());
    }

    public EvalSpec {
        classes = classes == null ? List.of() : List.copyOf(classes);
        if (count < 2 || steps < 1 || batch < 1 || shardSize < 1) {
            throw new IllegalArgumentException("count >= 2, steps, batch and shard size >= 1 are required, got " + count + ", "
                    + steps + ", " + batch + ", " + shardSize);
        }
        if (shardSize % batch != 0) {
            throw new IllegalArgumentException("the shard size (" + shardSize + ") must be a multiple of the batch (" + batch
                    + "), so that batches start where ./ddim eval starts them");
        }
        if (spacing == null || sampler == null || dataset == null || split == null || features == null) {
            throw new IllegalArgumentException("a spacing, a sampler, a dataset, a split and a feature network are required");
        }
    }
}
