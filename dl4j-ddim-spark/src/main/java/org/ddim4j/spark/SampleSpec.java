package org.ddim4j.spark;

import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;

import java.io.Serializable;

/**
 * What {@link SampleJob} draws: {@code count} samples from the seed's noise (sample i starts from row i of
 * {@code Seeds.gaussian(seed, count, C, H, W)}, as {@code ./ddim sample --seed} does), with a deterministic sampler,
 * in shards of {@code shardSize} run in batches of {@code batch}.
 *
 * @param coupling EDICT's mixing weight or BDIA's gamma; NaN for the sampler's default
 * @param png      also write each sample as a PNG (clamp((x + 1) / 2, 0, 1))
 */
public record SampleSpec(long count, long seed, int steps, TimestepSpacing spacing, SamplerKind sampler,
                         double coupling, int shardSize, int batch, boolean png) implements Serializable {
    public SampleSpec {
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
