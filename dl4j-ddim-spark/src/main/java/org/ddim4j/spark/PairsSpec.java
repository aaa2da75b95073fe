package org.ddim4j.spark;

import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;

import java.io.Serializable;

/**
 * What {@link PairsJob} draws: {@code count} editing pairs (latent z from the seed, G(z) with a deterministic sampler
 * of {@code steps}, the classifier's scores), in batches of {@code batch}, {@code shardSize} pairs a task. The shard
 * size is a multiple of the batch so that every batch starts where {@code ./ddim pairs --batch} starts one: pair i
 * is then the same whoever draws it.
 */
public record PairsSpec(long count, long seed, int steps, TimestepSpacing spacing, SamplerKind sampler, int batch,
                        int shardSize) implements Serializable {
    public PairsSpec {
        if (count < 1 || steps < 1 || batch < 1 || shardSize < 1) {
            throw new IllegalArgumentException("pair count, steps, batch and shard size must be positive, got " + count
                    + ", " + steps + ", " + batch + ", " + shardSize);
        }
        if (spacing == null || sampler == null) {
            throw new IllegalArgumentException("a spacing and a sampler are required");
        }
        if (shardSize % batch != 0) {
            throw new IllegalArgumentException("the shard size (" + shardSize + ") must be a multiple of the batch (" + batch
                    + "), so that batches start where ./ddim pairs starts them");
        }
    }
}
