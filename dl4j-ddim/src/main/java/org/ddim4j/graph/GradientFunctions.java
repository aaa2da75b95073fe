package org.ddim4j.graph;

import org.nd4j.autodiff.samediff.SameDiff;

import java.io.OutputStream;
import java.io.PrintStream;

/** SameDiff's gradient function, created without the line per op SameDiff M2.1 prints while creating it. */
public final class GradientFunctions {
    private GradientFunctions() {
    }

    /**
     * Creates the gradient function of {@code sd} now (nothing if it exists), with gradients also for these
     * variables (a placeholder's gradient exists only when asked for, or when an op computes it anyway; null:
     * none). SameDiff prints one line per op to System.out while doing so, which no logging setting silences;
     * that output is dropped here.
     */
    public static void createQuietly(SameDiff sd, String... variables) {
        if (sd.hasGradientFunction()) {
            return;
        }
        synchronized (System.class) {
            // read inside the lock: read outside, a second caller could take the first one's silent stream for the
            // original and leave standard output silenced for good
            PrintStream original = System.out;
            try {
                System.setOut(new PrintStream(OutputStream.nullOutputStream()));
                sd.createGradFunction(variables);
            } finally {
                System.setOut(original);
            }
        }
    }
}
