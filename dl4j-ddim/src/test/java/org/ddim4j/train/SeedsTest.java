package org.ddim4j.train;

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
    void dropoutMaskKeepsTheFractionScaledAndIsTheSameWhateverTheThreads() throws Exception {
        long[] shape = {16, 32, 32, 64};                        // 16 blocks of 2^16 values
        double keep = 0.9;
        INDArray mask = Seeds.dropoutMask(42, keep, shape);
        assertArrayEquals(shape, mask.shape());
        float[] v = mask.data().asFloat();
        float scale = 1f / (float) keep;
        long kept = 0;
        for (float x : v) {
            assertTrue(x == 0f || x == scale, "mask value " + x);
            kept += x == 0f ? 0 : 1;
        }
        // five standard deviations of the kept fraction over 2^20 values: 1.5e-3
        assertEquals(keep, kept / (double) v.length, 1.5e-3);
        // the definition: three values per 64-bit draw, 21 bits each, block 0 from mix(seed, 0)
        long bits = new java.util.SplittableRandom(Seeds.mix(42, 0)).nextLong();
        for (int k = 0; k < 3; k++) {
            boolean keepIt = ((bits >>> (21 * k)) & ((1L << 21) - 1)) < Math.round(keep * (1 << 21));
            assertEquals(keepIt ? scale : 0f, v[k]);
        }
        // blocks draw from their own generators, not copies of one stream
        assertNotEquals(java.util.Arrays.toString(java.util.Arrays.copyOfRange(v, 0, 64)),
                java.util.Arrays.toString(java.util.Arrays.copyOfRange(v, 1 << 16, (1 << 16) + 64)));
        java.util.concurrent.ForkJoinPool oneThread = new java.util.concurrent.ForkJoinPool(1);
        try {
            INDArray serial = oneThread.submit(() -> Seeds.dropoutMask(42, keep, shape)).get();
            assertArrayEquals(v, serial.data().asFloat());
        } finally {
            oneThread.shutdown();
        }
        assertNotEquals(mask, Seeds.dropoutMask(43, keep, shape));
        assertEquals(Nd4j.ones(DataType.FLOAT, 3, 5), Seeds.dropoutMask(7, 1.0, 3, 5));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Seeds.dropoutMask(1, 0.0, 2));
    }
}
