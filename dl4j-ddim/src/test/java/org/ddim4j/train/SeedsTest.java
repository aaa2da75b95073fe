package org.ddim4j.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
    void dropoutMaskIsTheThresholdedUniformDrawScaled() {
        long[] shape = {4, 8, 16, 16};
        double keep = 0.9;
        INDArray mask = Seeds.dropoutMask(42, keep, shape);
        INDArray expected = Seeds.uniform(42, 0, 1, shape).lt(keep).castTo(DataType.FLOAT).divi(keep);
        assertArrayEquals(expected.data().asFloat(), mask.data().asFloat());
        assertArrayEquals(shape, mask.shape());
        double kept = mask.gt(0).castTo(DataType.FLOAT).meanNumber().doubleValue();
        assertEquals(keep, kept, 0.01);
        assertEquals(1.0, mask.meanNumber().doubleValue(), 0.02, "inverted dropout keeps the mean");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Seeds.dropoutMask(1, 0.0, 2));
    }
}
