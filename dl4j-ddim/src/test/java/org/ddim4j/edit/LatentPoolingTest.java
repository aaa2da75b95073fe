package org.ddim4j.edit;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatentPoolingTest {
    private static final long[] SHAPE = {3, 16, 16};                          // d = 768

    private static double cosine(INDArray a, INDArray b) {
        INDArray x = a.castTo(DataType.DOUBLE).reshape(-1);
        INDArray y = b.castTo(DataType.DOUBLE).reshape(-1);
        return x.mul(y).sumNumber().doubleValue() / (x.norm2Number().doubleValue() * y.norm2Number().doubleValue());
    }

    @Test
    void aLiftedNormalGivesTheSameProjectionAsThePooledOneAndStaysUnit() {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(3);
        INDArray z = Nd4j.randn(rng, new long[]{5, 3, 16, 16});
        INDArray u = Nd4j.randn(rng, new long[]{3 * 4 * 4}).castTo(DataType.DOUBLE);
        u.divi(u.norm2Number());
        INDArray lifted = LatentPooling.lift(u, 4, SHAPE);
        assertEquals(768, lifted.length());
        assertEquals(1.0, lifted.norm2Number().doubleValue(), 1e-6);
        INDArray viaPool = LatentPooling.pool(z, 4).mmul(u.reshape(-1, 1)).reshape(-1);
        INDArray viaLift = z.reshape(5, -1).castTo(DataType.DOUBLE).mmul(lifted.castTo(DataType.DOUBLE).reshape(-1, 1)).reshape(-1);
        for (int i = 0; i < 5; i++) {
            assertEquals(viaPool.getDouble(i), viaLift.getDouble(i), 1e-5);
        }
        // pixel (c, y, x) of the lifted normal is u[c, y/4, x/4] / 4
        assertEquals(u.getDouble(1 * 16 + 2 * 4 + 3) / 4, lifted.getDouble(1 * 256 + 9 * 16 + 13), 1e-7);
        assertEquals(48, LatentPooling.pool(z, 4).size(1));
    }

    @Test
    void poolingKeepsStandardNormalLatentsStandardNormal() {
        INDArray p = LatentPooling.pool(Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(4), new long[]{400, 3, 16, 16}), 8);
        assertEquals(0.0, p.meanNumber().doubleValue(), 0.05);
        assertEquals(1.0, p.stdNumber().doubleValue(), 0.05);
    }

    @Test
    void fewerPairsThanDimensionsFindALowFrequencyDirectionOnlyWhenPooled() {
        // an attribute that depends on the latent's 4x4 block sums: u constant on blocks, planted
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(5);
        INDArray blocks = Nd4j.randn(rng, new long[]{48}).castTo(DataType.DOUBLE);
        blocks.divi(blocks.norm2Number());
        INDArray u = LatentPooling.lift(blocks, 4, SHAPE).castTo(DataType.DOUBLE);
        int n = 400;                                                            // n < d = 768
        INDArray z = Nd4j.randn(rng, new long[]{n, 768}).castTo(DataType.DOUBLE);
        INDArray scores = Transforms.sigmoid(z.mmul(u.reshape(-1, 1)).reshape(-1).muli(4), false);
        INDArray latents = z.reshape(n, 3, 16, 16);
        Boundary full = BoundaryFitting.logistic("a", latents, scores, SHAPE, 20, 0.05, 1);
        Boundary pooled = LatentPooling.lift(BoundaryFitting.logistic("a", LatentPooling.pool(latents, 4), scores,
                LatentPooling.pooledShape(SHAPE, 4), 20, 0.05, 1), 4, SHAPE);
        double cosFull = cosine(full.normal(), u);
        double cosPooled = cosine(pooled.normal(), u);
        assertTrue(cosPooled > 0.9, "pooled cosine " + cosPooled);
        assertTrue(cosFull < cosPooled - 0.2, "full " + cosFull + " vs pooled " + cosPooled);
        assertEquals("logistic-pool4", pooled.method());
        assertEquals(1.0, pooled.normal().norm2Number().doubleValue(), 1e-5);
    }

    @Test
    void aPoolSizeThatDoesNotDivideTheLatentIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> LatentPooling.pool(Nd4j.zeros(2, 3, 16, 16), 3));
        assertTrue(e.getMessage().contains("pool size 3") && e.getMessage().contains("16"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> LatentPooling.lift(Nd4j.zeros(DataType.DOUBLE, 10), 4, SHAPE));
        assertTrue(e2.getMessage().contains("has 48 entries, got 10"), e2.getMessage());
    }
}
