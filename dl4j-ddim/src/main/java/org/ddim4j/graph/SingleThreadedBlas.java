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

    /** Sets OpenBLAS to one thread; returns the thread count to restore (0: nothing to restore). */
    static int enter() {
        if (!supported) {
            return 0;
        }
        try {
            Blas blas = Nd4j.factory().blas();
            int before = blas.getMaxThreads();
            if (before > 1) {
                blas.setMaxThreads(1);
                return before;
            }
            return 0;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            supported = false;     // a backend without OpenBLAS (CUDA): nothing to do
            return 0;
        }
    }

    static void exit(int threads) {
        if (threads > 1) {
            Nd4j.factory().blas().setMaxThreads(threads);
        }
    }
}
