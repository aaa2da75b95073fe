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
        return floats(v, shape);
    }

    /** Uniform float32 values in [lo, hi), a function of the seed alone. */
    public static INDArray uniform(long seed, double lo, double hi, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return floats(v, shape);
    }

    /**
     * An inverted-dropout mask of the given shape: 1 / keep where the draw of {@link #uniform uniform(seed, 0, 1,
     * shape)} at the same position is below keep (both in float32), else 0; a function of the seed alone.
     */
    public static INDArray dropoutMask(long seed, double keep, long... shape) {
        if (!(keep > 0 && keep <= 1)) {
            throw new IllegalArgumentException("keep probability must be in (0, 1], got " + keep);
        }
        SplittableRandom r = new SplittableRandom(seed);
        float keepF = (float) keep;
        float scale = 1f / keepF;
        float[] v = new float[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble() < keepF ? scale : 0f;
        }
        return floats(v, shape);
    }

    /** A float32 array of the values, copied in bulk (ND4J's create(float[]) copies them one by one). */
    private static INDArray floats(float[] v, long[] shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        a.data().asNioFloat().put(v);
        return a;
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
