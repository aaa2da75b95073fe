package org.ddim4j.samples;

import java.io.PrintStream;
import java.util.Locale;

/** A count-to-N progress bar on a terminal, a line every 10 s otherwise. */
final class ProgressBar {
    private final PrintStream out;
    private final String what;
    private final long total;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long lastPrint = start;

    ProgressBar(PrintStream out, String what, long total) {
        this.out = out;
        this.what = what;
        this.total = total;
    }

    void update(long done) {
        long now = System.nanoTime();
        double seconds = (now - start) / 1e9;
        double eta = done == 0 ? 0 : seconds * (total - done) / done;
        if (terminal) {
            int filled = (int) (30 * done / Math.max(1, total));
            out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d  ETA %s ", what, "#".repeat(filled), "-".repeat(30 - filled), done,
                    total, ProgressPrinter.clock(eta));
            out.flush();
        } else if (now - lastPrint > 10_000_000_000L || done == total) {
            out.printf(Locale.ROOT, "%s %d/%d  (%s, ETA %s)%n", what, done, total, ProgressPrinter.clock(seconds),
                    ProgressPrinter.clock(eta));
            lastPrint = now;
        }
    }

    void done() {
        if (terminal) {
            out.println();
        }
    }
}
