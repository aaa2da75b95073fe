package org.ddim4j.samples;

import org.ddim4j.train.QualityProbe;
import org.ddim4j.train.Trainer;
import org.ddim4j.train.TrainingListener;

import java.nio.file.Path;
import java.util.Locale;
import java.io.PrintStream;

/**
 * Sizes a time-budgeted run whose learning rate decays (optimizer.decay cosine or linear reach 0 at training.num_i,
 * so num_i must be where the budget ends). The run starts with the configured num_i; over its iterations 100 to 300
 * (after the JIT's warm-up, with two sample grids and checkpoints in the window) the wall time per iteration is
 * measured, and num_i is set to the iterations that fit in the rest of the budget, less the KID measurements due
 * every evaluation.kid_every iterations, with 3 % to spare:
 * <pre>  n = 0.97 remaining / (seconds per iteration + KID seconds / kid_every)</pre>
 * Every call is passed on to the wrapped listener.
 */
final class TimeBudgetFit implements TrainingListener {
    static final int WINDOW_START = 100;
    static final int WINDOW_END = 300;

    private final TrainingListener inner;
    private final PrintStream out;
    private double kidSeconds;
    private Trainer trainer;
    private long deadlineNanos;
    private long first = -1;
    private long windowNanos;
    private boolean fitted;

    TimeBudgetFit(TrainingListener inner, PrintStream out) {
        this.inner = inner;
        this.out = out;
    }

    /**
     * The trainer to size, the moment its budget ends (System.nanoTime()) and the estimated time of one KID
     * measurement during training (0 without).
     */
    void fit(Trainer trainer, long deadlineNanos, double kidSeconds) {
        this.trainer = trainer;
        this.deadlineNanos = deadlineNanos;
        this.kidSeconds = kidSeconds;
    }

    @Override
    public void onStart(long firstIteration, long lastIteration) {
        first = firstIteration;
        inner.onStart(firstIteration, lastIteration);
    }

    @Override
    public void onIteration(long iteration, double loss, double gradNorm, double iterationsPerSecond) {
        inner.onIteration(iteration, loss, gradNorm, iterationsPerSecond);
        if (trainer == null || fitted || first < 0) {
            return;
        }
        long done = iteration - first + 1;
        if (done == WINDOW_START) {
            windowNanos = System.nanoTime();
        } else if (done == WINDOW_END) {
            long now = System.nanoTime();
            double perIteration = (now - windowNanos) / 1e9 / (WINDOW_END - WINDOW_START);
            double remaining = Math.max(0, (deadlineNanos - now) / 1e9);
            int total = total(iteration, perIteration, kidSeconds, trainer.config().evaluation().kidEvery(), remaining);
            trainer.withTotalIterations(total);
            if (inner instanceof ProgressPrinter p) {
                p.setLast(total);
            }
            out.printf(Locale.ROOT, "%nthe learning rate decays to 0 at iteration %,d: %.3f s per iteration measured over"
                    + " iterations %d to %d, %.0f s of budget left%n", total, perIteration, first + WINDOW_START - 1,
                    iteration, remaining);
            fitted = true;
        }
    }

    /**
     * The run's last iteration: {@code iteration} + 0.97 remaining / (perIteration + kidSeconds / kidEvery), at least
     * one more than {@code iteration}.
     */
    static int total(long iteration, double perIteration, double kidSeconds, int kidEvery, double remainingSeconds) {
        if (!(perIteration > 0)) {
            throw new IllegalArgumentException("seconds per iteration must be positive, got " + perIteration);
        }
        double perIterationAll = perIteration + (kidEvery > 0 ? kidSeconds / kidEvery : 0);
        long total = iteration + (long) (0.97 * Math.max(0, remainingSeconds) / perIterationAll);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(iteration + 1, total));
    }

    @Override
    public void onSamples(long iteration, Path grid) {
        inner.onSamples(iteration, grid);
    }

    @Override
    public void onCheckpoint(long iteration, Path file) {
        inner.onCheckpoint(iteration, file);
    }

    @Override
    public void onQuality(long iteration, QualityProbe.Measurement measurement) {
        inner.onQuality(iteration, measurement);
    }
}
