package org.ddim4j.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Seeds and seeded draws. Every seeded array of the project comes from here, drawn in Java: ND4J 1.0.0-M2.1's
 * {@code Nd4j.randn(getNewRandomInstance(seed), shape)} is not a function of the seed within a process (the
 * same seed gave a different array on each call, measured), so it cannot make results repeatable.
 */
public final class Seeds {
    private static final int MASK_BITS = 21;
    private static final int MASK_BLOCK = 1 << 16;

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
     * An inverted-dropout mask of the given shape: 1 / keep (in float32) with probability keep, else 0; a function
     * of the seed alone. Each value takes 21 bits of a 64-bit draw (three per draw; kept when the 21 bits are
     * below round(keep 2^21), so the probability is exact to 2.4e-7, PyTorch's float32 uniform draws resolve
     * 6e-8), and the values are drawn in blocks of 2^16, each from its own generator seeded by the block's
     * number, in parallel: the same mask whatever the number of threads. (One double per value, in one thread,
     * took 30 ms for the 4.4 M values of a small training step.)
     */
    public static INDArray dropoutMask(long seed, double keep, long... shape) {
        if (!(keep > 0 && keep <= 1)) {
            throw new IllegalArgumentException("keep probability must be in (0, 1], got " + keep);
        }
        int scaleBits = Float.floatToRawIntBits(1f / (float) keep);
        long threshold = Math.round(keep * (1L << MASK_BITS));
        float[] v = new float[(int) length(shape)];
        int blocks = (v.length + MASK_BLOCK - 1) / MASK_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            SplittableRandom r = new SplittableRandom(mix(seed, b));
            int end = Math.min(v.length, (b + 1) * MASK_BLOCK);
            for (int i = b * MASK_BLOCK; i < end; i += 3) {
                long bits = r.nextLong();
                v[i] = keptOrZero(bits, threshold, scaleBits);
                if (i + 2 < end) {
                    v[i + 1] = keptOrZero(bits >>> MASK_BITS, threshold, scaleBits);
                    v[i + 2] = keptOrZero(bits >>> (2 * MASK_BITS), threshold, scaleBits);
                } else if (i + 1 < end) {
                    v[i + 1] = keptOrZero(bits >>> MASK_BITS, threshold, scaleBits);
                }
            }
        });
        return floats(v, shape);
    }

    /**
     * The float with bits {@code scaleBits} if the low 21 bits of {@code bits} are below {@code threshold}, else
     * 0, without a branch (a tenth of the draws go the other way: mispredicted branches cost a third of the time).
     */
    private static float keptOrZero(long bits, long threshold, int scaleBits) {
        return Float.intBitsToFloat(scaleBits & (int) (((bits & ((1L << MASK_BITS) - 1)) - threshold) >> 63));
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
