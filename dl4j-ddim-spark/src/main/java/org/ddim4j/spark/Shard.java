package org.ddim4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Items {@code [from, to)} of a job (sample indices, pair indices, image indices), the unit a task works on and
 * commits.
 *
 * @param number the shard's number, in its file names
 */
public record Shard(int number, long from, long to) implements Serializable {
    public Shard {
        if (number < 0 || from < 0 || to <= from) {
            throw new IllegalArgumentException("a shard needs number >= 0 and 0 <= from < to, got " + number + ", [" + from + ", " + to + ")");
        }
    }

    public int size() {
        return (int) (to - from);
    }

    /** {@code count} items in shards of {@code size} (the last one shorter). */
    public static List<Shard> split(long count, int size) {
        if (count < 1 || size < 1) {
            throw new IllegalArgumentException("count and shard size must be positive, got " + count + " and " + size);
        }
        List<Shard> out = new ArrayList<>();
        for (long from = 0; from < count; from += size) {
            out.add(new Shard(out.size(), from, Math.min(count, from + size)));
        }
        return out;
    }

    /** A file name for this shard: {@code prefix-00012.ext}. */
    public String fileName(String prefix, String ext) {
        return String.format("%s-%05d.%s", prefix, number, ext);
    }
}
