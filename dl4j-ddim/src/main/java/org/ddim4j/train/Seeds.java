package org.ddim4j.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Seeds and seeded draws. Every seeded array of the project comes from here, drawn in Java: ND4J 1.0.0-M2.1's
 * {@code Nd4j.randn(getNewRandomInstance(seed), shape)} is not a function of the seed within a process (the
 * same seed gave a different array on each call, measured), so it cannot make results repeatable.
 */
public final class Seeds {
    private Seeds() {
    }

    /** Derives independent seeds from a run seed and a counter (SplitMix64's finaliser). */
    public static long mix(long seed, long counter) {
        long z = seed * 0x9E3779B97F4A7C15L + counter + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Standard normal float32 values of the given shape, a function of the seed alone. */
    public static INDArray gaussian(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Nd4j.create(v, shape, DataType.FLOAT);
    }

    /** Uniform float32 values in [lo, hi), a function of the seed alone. */
    public static INDArray uniform(long seed, double lo, double hi, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Nd4j.create(v, shape, DataType.FLOAT);
    }

    private static long length(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many values to draw at once: " + n);
        }
        return n;
    }
}
