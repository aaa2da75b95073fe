package org.ddim4j.random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedsTest {
    @Test
    void seededDrawsAreAFunctionOfTheSeedAloneWhateverRunsBetween() {
        INDArray a = Seeds.gaussian(0, 2, 3, 32, 32);
        Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(0), new long[]{2, 3, 32, 32});   // ND4J's RNG in between
        Nd4j.rand(DataType.FLOAT, 100).mul(2);
        INDArray b = Seeds.gaussian(0, 2, 3, 32, 32);
        assertArrayEquals(a.data().asFloat(), b.data().asFloat());
        assertNotEquals(a.sumNumber().doubleValue(), Seeds.gaussian(1, 2, 3, 32, 32).sumNumber().doubleValue());
        INDArray big = Seeds.gaussian(5, 200_000);
        assertEquals(0.0, big.meanNumber().doubleValue(), 0.01);
        assertEquals(1.0, big.stdNumber().doubleValue(), 0.01);
        INDArray u = Seeds.uniform(3, -2, 2, 100_000);
        assertEquals(-2.0, u.minNumber().doubleValue(), 0.01);
        assertEquals(2.0, u.maxNumber().doubleValue(), 0.01);
        assertArrayEquals(u.data().asFloat(), Seeds.uniform(3, -2, 2, 100_000).data().asFloat());
    }

    @Test
    void valuesKeepTheirOrderAndShape() {
        INDArray g = Seeds.gaussian(9, 2, 3, 4);
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int i = 0; i < 24; i++) {
            assertEquals((float) r.nextGaussian(), g.getFloat(i / 12, (i / 4) % 3, i % 4));
        }
    }

    @Test
    void rowsOfALargerDrawAreDrawnAlone() {
        INDArray all = Seeds.gaussian(4, 7, 3, 5, 5);
        for (int[] r : new int[][]{{0, 7}, {0, 1}, {3, 5}, {6, 7}}) {
            INDArray rows = Seeds.gaussianRows(4, r[0], r[1], 3, 5, 5);
            assertArrayEquals(new long[]{r[1] - r[0], 3, 5, 5}, rows.shape());
            assertArrayEquals(all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(r[0], r[1])).dup().data().asFloat(),
                    rows.data().asFloat(), "rows " + r[0] + ".." + r[1]);
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Seeds.gaussianRows(4, 2, 2, 3));
    }

    private static INDArray mask(long seed, double keep, long... shape) {
        INDArray m = Nd4j.create(DataType.FLOAT, shape);
        Seeds.dropoutMask(seed, keep, m);
        return m;
    }

    @Test
    void dropoutMaskKeepsTheFractionScaledAndIsTheSameWhateverTheThreads() {
        long[] shape = {16, 32, 32, 64};
        double keep = 0.9;
        INDArray mask = mask(42, keep, shape);
        float[] v = mask.data().asFloat();
        float scale = 1f / (float) keep;
        long kept = 0;
        for (float x : v) {
            assertTrue(x == 0f || x == scale, "mask value " + x);
            kept += x == 0f ? 0 : 1;
        }
        // five standard deviations of the kept fraction over 2^20 values: 1.5e-3
        assertEquals(keep, kept / (double) v.length, 1.5e-3);
        // a function of the seed: the same after other draws, and with libnd4j on one thread
        mask(43, keep, shape);
        Nd4j.randn(DataType.FLOAT, 1000);
        assertArrayEquals(v, mask(42, keep, shape).data().asFloat());
        int threads = Nd4j.getEnvironment().maxThreads();
        try {
            Nd4j.getEnvironment().setMaxThreads(1);
            assertArrayEquals(v, mask(42, keep, shape).data().asFloat());
        } finally {
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
        // other seeds, other masks; no correlation between neighbouring values
        assertNotEquals(mask, mask(43, keep, shape));
        long bothDropped = 0;
        for (int i = 1; i < v.length; i++) {
            bothDropped += v[i] == 0f && v[i - 1] == 0f ? 1 : 0;
        }
        assertEquals((1 - keep) * (1 - keep), bothDropped / (double) (v.length - 1), 5e-4);
        assertEquals(Nd4j.ones(DataType.FLOAT, 3, 5), mask(7, 1.0, 3, 5));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> mask(1, 0.0, 2));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Seeds.dropoutMask(1, 0.5, Nd4j.create(DataType.DOUBLE, 2)));
    }
}
