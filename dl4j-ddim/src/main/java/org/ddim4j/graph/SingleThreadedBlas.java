package org.ddim4j.graph;

import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Supplier;

/**
 * OpenBLAS on the calling thread only, while a {@link GraphPlan} compiles or runs. libnd4j's products call
 * OpenBLAS, whose worker threads, once woken by a product, spin in {@code sched_yield} for about 0.1 s (2^28
 * cycles) before they sleep: on two cores that took a core from libnd4j's OpenMP threads for most of a training
 * step. A plan's products are small next to its convolutions and gain little from a second thread (figures:
 * docs/PERFORMANCE.md, "Figures behind the code's choices"). The thread count is
 * given back after each run, so products outside plans (a user's own layers) keep OpenBLAS's threads.
 */
final class SingleThreadedBlas {
    private static volatile boolean supported = true;

    private SingleThreadedBlas() {
    }

    /** Runs {@code work} with OpenBLAS on one thread, then gives the previous thread count back. */
    static <T> T during(Supplier<T> work) {
        int before = enter();
        try {
            return work.get();
        } finally {
            exit(before);
        }
    }

    /** Sections open on any thread, and the thread count the first one found (OpenBLAS's setting is global). */
    private static int active;
    private static int saved;

    /**
     * Opens a section with OpenBLAS on one thread; returns a token for {@link #exit} (0: nothing was opened). The
     * setting is global, so sections on several threads share it: the first one to open sets one thread, the last one
     * to close gives the count back (one thread's exit no longer restores the count while another's plan still runs).
     */
    static synchronized int enter() {
        if (!supported) {
            return 0;
        }
        try {
            if (active == 0) {
                Blas blas = Nd4j.factory().blas();
                saved = blas.getMaxThreads();
                if (saved > 1) {
                    blas.setMaxThreads(1);
                }
            }
            active++;
            return 1;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            supported = false;     // a backend without OpenBLAS (CUDA): nothing to do
            return 0;
        }
    }

    static synchronized void exit(int token) {
        if (token == 0 || active == 0) {
            return;
        }
        if (--active == 0 && saved > 1) {
            Nd4j.factory().blas().setMaxThreads(saved);
        }
    }
}
