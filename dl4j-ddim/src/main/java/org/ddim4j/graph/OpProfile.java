package org.ddim4j.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a plan's time goes, op by op: between {@link #start} and {@link #stop}, every {@link GraphPlan} run times
 * each native op it executes and adds the time to the op's name (compilation is not counted). Off, it costs one
 * volatile read per plan run. For measuring (`./ddim bench --op-profile`), not for production runs: the timing
 * itself adds two clock reads per op.
 */
public final class OpProfile {
    private static volatile Map<String, long[]> current;

    private OpProfile() {
    }

    /** One op name's share: how many times it ran and for how long in all. */
    public record Entry(String op, long calls, long nanos) {
    }

    /** Starts a profile (discarding one in progress). */
    public static void start() {
        current = new ConcurrentHashMap<>();
    }

    /** Ends the profile: its entries, the most time first (empty if none was started). */
    public static List<Entry> stop() {
        Map<String, long[]> profile = current;
        current = null;
        List<Entry> out = new ArrayList<>();
        if (profile != null) {
            profile.forEach((op, v) -> out.add(new Entry(op, v[0], v[1])));
        }
        out.sort((a, b) -> Long.compare(b.nanos(), a.nanos()));
        return out;
    }

    /** The profile in progress, or null. */
    static Map<String, long[]> active() {
        return current;
    }

    static void add(Map<String, long[]> profile, String op, long nanos) {
        long[] v = profile.computeIfAbsent(op, k -> new long[2]);
        synchronized (v) {
            v[0]++;
            v[1] += nanos;
        }
    }

    /** The first {@code top} entries as text: milliseconds per run (of {@code runs}), share of the total, calls per run. */
    public static String table(List<Entry> entries, int runs, int top) {
        long total = entries.stream().mapToLong(Entry::nanos).sum();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %9s %6s %7s  %s%n", "ms/run", "share", "calls", "op"));
        for (Entry e : entries.subList(0, Math.min(top, entries.size()))) {
            sb.append(String.format(Locale.ROOT, "  %9.2f %5.1f%% %7.1f  %s%n", e.nanos() / 1e6 / runs,
                    total == 0 ? 0.0 : 100.0 * e.nanos() / total, (double) e.calls() / runs, e.op()));
        }
        sb.append(String.format(Locale.ROOT, "  %9.2f  all %d op kinds%n", total / 1e6 / runs, entries.size()));
        return sb.toString();
    }
}
