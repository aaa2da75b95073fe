package org.ddim4j.edit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundaryTest {
    static final long[] SHAPE = {1, 8, 8};                                // d = 64

    /** Gaussian latents whose attribute probability is sigmoid(4 (u.z + 0.3)) for a planted unit u. */
    record Planted(INDArray latents, INDArray scores, INDArray u) {
    }

    static Planted planted(int n, long seed) {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        INDArray z = Nd4j.randn(rng, new long[]{n, 64}).castTo(DataType.DOUBLE);
        INDArray u = Nd4j.randn(rng, new long[]{64}).castTo(DataType.DOUBLE);
        u.divi(u.norm2Number());
        INDArray scores = Transforms.sigmoid(z.mmul(u.reshape(-1, 1)).reshape(-1).addi(0.3).muli(4), false);
        return new Planted(z.reshape(n, 1, 8, 8), scores, u);
    }

    private static double cosine(INDArray a, INDArray b) {
        INDArray x = a.castTo(DataType.DOUBLE).reshape(-1);
        INDArray y = b.castTo(DataType.DOUBLE).reshape(-1);
        return x.mul(y).sumNumber().doubleValue() / (x.norm2Number().doubleValue() * y.norm2Number().doubleValue());
    }

    @Test
    void logisticRegressionRecoversAPlantedDirection() {
        Planted p = planted(4000, 1);
        Boundary b = BoundaryFitting.logistic("smile", p.latents(), p.scores(), SHAPE, 20, 0.05, 7);
        assertTrue(cosine(b.normal(), p.u()) > 0.95, "cosine " + cosine(b.normal(), p.u()));
        assertEquals(1.0, b.normal().norm2Number().doubleValue(), 1e-5);
        assertTrue(b.heldOutAccuracy() > 0.85, "held-out accuracy " + b.heldOutAccuracy());
        assertEquals(0.3, b.offset(), 0.15);                              // the plane u.z + 0.3 = 0
    }

    @Test
    void svmLabelsByRankSoAnAttributeNeverScoredAboveOneHalfStillGetsItsDirection() {
        // a classifier that is never confident on generated images: every score below 0.1
        Planted p = planted(6000, 4);
        INDArray low = p.scores().mul(0.1);
        Boundary b = BoundaryFitting.svm("rare", p.latents(), low, SHAPE, 0.1, 3);
        assertTrue(cosine(b.normal(), p.u()) > 0.9, "cosine " + cosine(b.normal(), p.u()));
        assertTrue(b.heldOutAccuracy() > 0.95, "held-out accuracy " + b.heldOutAccuracy());
        assertTrue(b.restAccuracy() > 0.7, "rest accuracy " + b.restAccuracy());
    }

    @Test
    void svmOnTheMostConfidentRecoversAPlantedDirection() {
        Planted p = planted(6000, 2);
        Boundary b = BoundaryFitting.svm("smile", p.latents(), p.scores(), SHAPE, 0.1, 3);
        assertTrue(cosine(b.normal(), p.u()) > 0.9, "cosine " + cosine(b.normal(), p.u()));
        assertTrue(b.heldOutAccuracy() > 0.95, "held-out accuracy " + b.heldOutAccuracy());
        assertTrue(b.restAccuracy() > 0.7 && b.restAccuracy() < b.heldOutAccuracy(), "rest accuracy " + b.restAccuracy());
    }

    @Test
    void conditioningMakesTheDirectionOrthogonalToTheConditions() {
        Planted a = planted(10, 3);
        Planted c1 = planted(10, 4);
        Planted c2 = planted(10, 5);
        Boundary primary = new Boundary("smile", "svm", a.u().castTo(DataType.FLOAT), 0, 1, 1, SHAPE);
        Boundary glasses = new Boundary("glasses", "svm", c1.u().castTo(DataType.FLOAT), 0, 1, 1, SHAPE);
        Boundary age = new Boundary("age", "svm", c2.u().castTo(DataType.FLOAT), 0, 1, 1, SHAPE);
        Boundary cond = LatentEditor.conditioned(primary, List.of(glasses, age));
        assertEquals(0.0, cosine(cond.normal(), glasses.normal()), 1e-6);
        assertEquals(0.0, cosine(cond.normal(), age.normal()), 1e-6);
        assertEquals(1.0, cond.normal().norm2Number().doubleValue(), 1e-5);
        assertTrue(cosine(cond.normal(), primary.normal()) > 0.5);
        // moving along it leaves the conditions' distances where they were
        INDArray z = Nd4j.randn(DataType.FLOAT, 1, 1, 8, 8);
        INDArray moved = LatentEditor.along(z, cond, new double[]{3.0});
        assertEquals(glasses.distance(z).getDouble(0), glasses.distance(moved).getDouble(0), 1e-4);
        var e = assertThrows(IllegalArgumentException.class, () -> LatentEditor.conditioned(primary, List.of(primary)));
        assertTrue(e.getMessage().contains("span"), e.getMessage());
    }

    @Test
    void editsMoveTheSignedDistanceByAlpha() {
        Planted a = planted(10, 6);
        Boundary b = new Boundary("smile", "logistic", a.u().castTo(DataType.FLOAT), 0.25, 0.9, Double.NaN, SHAPE);
        INDArray z = Nd4j.randn(DataType.FLOAT, 1, 1, 8, 8);
        INDArray strip = LatentEditor.along(z, b, new double[]{-3, 0, 3});
        assertArrayEquals(new long[]{3, 1, 8, 8}, strip.shape());
        double d0 = b.distance(z).getDouble(0);
        assertEquals(d0 - 3, b.distance(strip).getDouble(0), 1e-4);
        assertEquals(d0 + 3, b.distance(strip).getDouble(2), 1e-4);
        assertEquals(2.5, b.distance(LatentEditor.toDistance(z, b, 2.5)).getDouble(0), 1e-4);
        INDArray img = b.asImage();
        assertEquals(-1.0, img.minNumber().doubleValue(), 1e-6);
        assertEquals(1.0, img.maxNumber().doubleValue(), 1e-6);
    }

    @Test
    void boundaryFilesRoundTrip(@TempDir Path dir) throws IOException {
        Planted a = planted(10, 8);
        Boundary b = new Boundary("Smiling", "svm", a.u().castTo(DataType.FLOAT), -0.5, 0.97, 0.81, SHAPE);
        Path f = dir.resolve("smiling.npz");
        b.save(f);
        Boundary back = Boundary.load(f);
        assertEquals("Smiling", back.attribute());
        assertEquals("svm", back.method());
        assertEquals(-0.5, back.offset(), 1e-12);
        assertEquals(0.81, back.restAccuracy(), 1e-12);
        assertArrayEquals(SHAPE, back.latentShape());
        assertEquals(0.0, back.normal().sub(b.normal()).amaxNumber().doubleValue(), 0.0);
        var e = assertThrows(IllegalArgumentException.class, () -> BoundaryFitting.logistic("x", Nd4j.zeros(5, 4),
                Nd4j.zeros(5), new long[]{1, 2, 2}, 1, 0.1, 0));
        assertTrue(e.getMessage().contains("at least 10"), e.getMessage());
    }
}
