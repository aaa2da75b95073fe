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
}
