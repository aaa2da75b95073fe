package org.ddim4j.graph;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Settings that are global to the process (standard output, OpenBLAS's thread count), changed from several threads. */
class ProcessWideSettingsTest {
    @Test
    void concurrentQuietGradientCreationLeavesStandardOutputAsItWas() throws Exception {
        PrintStream original = System.out;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                jobs.add(pool.submit(() -> {
                    SameDiff sd = SameDiff.create();
                    SDVariable x = sd.var("x", Nd4j.ones(DataType.FLOAT, 4));
                    x.mul(3).sum().rename("loss");
                    sd.setLossVariables("loss");
                    GradientFunctions.createQuietly(sd);
                }));
            }
            for (Future<?> j : jobs) {
                j.get();
            }
        } finally {
            pool.shutdown();
        }
        assertSame(original, System.out, "standard output is the original stream again");
    }

    @Test
    void oneThreadsExitDoesNotGiveOpenBlasItsThreadsBackWhileAnotherThreadsPlanRuns() throws Exception {
        int before = Nd4j.factory().blas().getMaxThreads();
        Nd4j.factory().blas().setMaxThreads(2);
        try {
            CyclicBarrier bothInside = new CyclicBarrier(2);
            CyclicBarrier firstLeft = new CyclicBarrier(2);
            AtomicInteger seenBySecond = new AtomicInteger(-1);
            Thread first = new Thread(() -> SingleThreadedBlas.during(() -> {
                await(bothInside);
                return null;
            }));
            Thread second = new Thread(() -> SingleThreadedBlas.during(() -> {
                await(bothInside);
                await(firstLeft);                                        // the first section has closed
                seenBySecond.set(Nd4j.factory().blas().getMaxThreads());
                return null;
            }));
            first.start();
            second.start();
            first.join();
            await(firstLeft);
            second.join();
            assertEquals(1, seenBySecond.get(), "the second section still runs OpenBLAS on one thread");
            assertEquals(2, Nd4j.factory().blas().getMaxThreads(), "the last section to close restores the count");
        } finally {
            Nd4j.factory().blas().setMaxThreads(before);
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
