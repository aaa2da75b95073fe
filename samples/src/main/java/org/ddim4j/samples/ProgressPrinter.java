package org.ddim4j.samples;

import org.ddim4j.train.QualityProbe;
import org.ddim4j.train.TrainingListener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Shows a training run: on a terminal, a progress bar redrawn in place (iteration, iterations/s, loss, ETA);
 * otherwise (CI, redirected output) a plain log line every 10 seconds and at each sample grid and checkpoint.
 */
final class ProgressPrinter implements TrainingListener {
    private final PrintStream out;
    private final boolean terminal;
    private long deadlineNanos;
    private long first;
    private long last;
    private long lastPrint;
    private double smoothedLoss = Double.NaN;

    /** @param deadlineNanos System.nanoTime() at which a time-limited run stops, or 0 */
    ProgressPrinter(PrintStream out, boolean terminal, long deadlineNanos) {
        this.out = out;
        this.terminal = terminal;
        this.deadlineNanos = deadlineNanos;
    }

    /** Sets the run's last iteration, when it is sized after it started. */
    void setLast(long lastIteration) {
        this.last = lastIteration;
    }

    /** Sets the moment a time-limited run stops (System.nanoTime()), for the ETA. */
    void setDeadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void onStart(long firstIteration, long lastIteration) {
        first = firstIteration;
        last = lastIteration;
        out.printf("training iterations %d to %d%n", firstIteration, lastIteration);
    }

    @Override
    public void onIteration(long iteration, double loss, double gradNorm, double iterationsPerSecond) {
        smoothedLoss = Double.isNaN(smoothedLoss) ? loss : 0.95 * smoothedLoss + 0.05 * loss;
        long now = System.nanoTime();
        double etaByIterations = (last - iteration) / Math.max(1e-9, iterationsPerSecond);
        double eta = deadlineNanos > 0 ? Math.min(etaByIterations, Math.max(0, (deadlineNanos - now) / 1e9)) : etaByIterations;
        if (terminal) {
            double fraction = deadlineNanos > 0 ? 1 - eta / Math.max(1e-9, eta + (iteration - first + 1) / iterationsPerSecond)
                    : (double) (iteration - first + 1) / (last - first + 1);
            int filled = (int) Math.round(30 * Math.max(0, Math.min(1, fraction)));
            out.printf(Locale.ROOT, "\r[%s%s] it %d  %.2f it/s  loss %.4f  ETA %s ", "#".repeat(filled),
                    "-".repeat(30 - filled), iteration, iterationsPerSecond, smoothedLoss, clock(eta));
            out.flush();
        } else if (now - lastPrint > 10_000_000_000L) {
            out.printf(Locale.ROOT, "iteration %d  %.2f it/s  loss %.4f (avg %.4f)  grad norm %.3f  ETA %s%n", iteration,
                    iterationsPerSecond, loss, smoothedLoss, gradNorm, clock(eta));
            lastPrint = now;
        }
    }

    @Override
    public void onSamples(long iteration, Path grid) {
        if (terminal) {
            out.println();
        }
        out.printf("iteration %d: samples %s%n", iteration, grid);
    }

    @Override
    public void onCheckpoint(long iteration, Path file) {
        if (!terminal) {
            out.printf("iteration %d: checkpoint %s%n", iteration, file);
        }
    }

    @Override
    public void onQuality(long iteration, QualityProbe.Measurement m) {
        if (terminal) {
            out.println();
        }
        out.printf(Locale.ROOT, "iteration %d: KID x1000 %.3f (std %.3f); floor (real images) %.3f%n", iteration,
                1000 * m.kid(), 1000 * m.kidStd(), 1000 * m.floor());
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
