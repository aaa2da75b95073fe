package org.ddim4j.spark;

import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;

import java.io.Serializable;
import java.util.List;

/**
 * What {@link SampleJob} draws: {@code count} samples from the seed's noise (sample i starts from row i of
 * {@code Seeds.gaussian(seed, count, C, H, W)}, as {@code ./ddim sample --seed} does), with a deterministic sampler,
 * in shards of {@code shardSize} run in batches of {@code batch}.
 *
 * @param coupling EDICT's mixing weight or BDIA's gamma; NaN for the sampler's default
 * @param png      also write each sample as a PNG (clamp((x + 1) / 2, 0, 1))
 * @param classes  a class-conditional model's classes to draw, in the proportions of their training images (as
 *                 {@code ./ddim sample --class}); empty: every class, in the training proportions
 */
public record SampleSpec(long count, long seed, int steps, TimestepSpacing spacing, SamplerKind sampler,
                         double coupling, int shardSize, int batch, boolean png, List<String> classes)
        implements Serializable {
    /** Every class of a conditional model drawn in its training proportions. */
    public SampleSpec(long count, long seed, int steps, TimestepSpacing spacing, SamplerKind sampler, double coupling,
                      int shardSize, int batch, boolean png) {
        this(count, seed, steps, spacing, sampler, coupling, shardSize, batch, png, List.of());
    }

    public SampleSpec {
        classes = classes == null ? List.of() : List.copyOf(classes);
        if (count < 1) {
            throw new IllegalArgumentException("sample count must be positive, got " + count);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        if (spacing == null || sampler == null) {
            throw new IllegalArgumentException("a spacing and a sampler are required");
        }
        if (shardSize < 1 || batch < 1) {
            throw new IllegalArgumentException("shard size and batch must be positive, got " + shardSize + " and " + batch);
        }
        if (batch > shardSize) {
            throw new IllegalArgumentException("batch (" + batch + ") must not exceed the shard size (" + shardSize + ")");
        }
    }
}
