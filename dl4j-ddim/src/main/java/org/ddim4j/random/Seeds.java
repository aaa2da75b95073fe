package org.ddim4j.random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Seeds and seeded draws. Every seeded array of the project comes from here, drawn in Java but for dropout masks:
 * ND4J 1.0.0-M2.1's {@code Nd4j.randn(getNewRandomInstance(seed), shape)} is not a function of the seed within a
 * process (the same seed gave a different array on each call, measured), so it cannot make results repeatable;
 * its Bernoulli op with a reseeded generator is (see {@link #dropoutMask}).
 */
public final class Seeds {
    private static Random maskGenerator;   // native, reseeded for each mask

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
        return gaussians(new SplittableRandom(seed), shape);
    }

    /** The next standard normal values of {@code r} as a float32 array of this shape. */
    private static INDArray gaussians(SplittableRandom r, long[] shape) {
        float[] v = new float[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return floats(v, shape);
    }

    /**
     * Rows {@code [from, to)} of {@code gaussian(seed, count, rowShape...)} for any count above {@code to}, as
     * [to - from, rowShape...]: the values a batch of samples i in [from, to) starts from, drawn without the rows
     * before (the stream's values are generated and dropped; SplittableRandom cannot jump: a Gaussian takes a
     * varying number of its 64-bit draws).
     */
    public static INDArray gaussianRows(long seed, long from, long to, long... rowShape) {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("rows must be 0 <= from < to, got [" + from + ", " + to + ")");
        }
        long row = length(rowShape);
        SplittableRandom r = new SplittableRandom(seed);
        for (long skip = from * row; skip > 0; skip--) {
            r.nextGaussian();
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = to - from;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return gaussians(r, shape);
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
     * Fills {@code mask} with an inverted-dropout mask: 1 / keep (in float32) with probability keep, else 0, a
     * function of the seed alone. libnd4j's Bernoulli op draws it from a generator reseeded with {@code seed}:
     * counter-based, so the same values whatever the number of threads (measured equal for 1 and 2 threads and
     * from process to process, unlike ND4J's Gaussian draws); the scaling is in place, and it is about three times
     * faster than drawing in Java (docs/PERFORMANCE.md).
     */
    public static synchronized void dropoutMask(long seed, double keep, INDArray mask) {
        if (!(keep > 0 && keep <= 1)) {
            throw new IllegalArgumentException("keep probability must be in (0, 1], got " + keep);
        }
        if (mask.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("a dropout mask is float32, got " + mask.dataType());
        }
        if (keep == 1) {
            mask.assign(1);
            return;
        }
        if (maskGenerator == null) {
            maskGenerator = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        }
        maskGenerator.setSeed(seed);
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, keep), maskGenerator);
        mask.muli(1f / (float) keep);
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
