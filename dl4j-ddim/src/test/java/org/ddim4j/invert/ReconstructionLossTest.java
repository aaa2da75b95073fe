package org.ddim4j.invert;

import org.ddim4j.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconstructionLossTest {
    private static Map<String, INDArray> reference() {
        try {
            return Npz.read(Path.of(ReconstructionLossTest.class.getResource("/invert/losses.npz").toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Values and gradients against PyTorch autograd (invert/make_losses.py, float64). */
    @ParameterizedTest
    @EnumSource(ReconstructionLoss.class)
    void valueAndGradientMatchPyTorch(ReconstructionLoss loss) {
        Map<String, INDArray> ref = reference();
        String name = loss.name().toLowerCase(Locale.ROOT);
        ReconstructionLoss.Evaluation e = loss.evaluate(ref.get("x"), ref.get("target"), ReconstructionLoss.Clamp.HARD);
        INDArray expected = ref.get(name);
        for (int i = 0; i < 2; i++) {
            double tol = 1e-5 * Math.max(1, Math.abs(expected.getDouble(i)));
            assertEquals(expected.getDouble(i), e.perImage().getDouble(i), tol, name + " image " + i);
        }
        INDArray g = ref.get(name + "_grad");
        double scale = g.amaxNumber().doubleValue();
        double diff = e.gradient().sub(g).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * scale, name + " gradient: max diff " + diff + " of max " + scale);
    }

    @Test
    void inwardClampPassesTheGradientOnlyWhereItLeadsBackIntoRange() {
        // x = 1.5 (image 1.25, clamped to 1) against targets 0.5 and 1.0; x = 0 (image 0.5) against 0.25
        INDArray x = Nd4j.createFromArray(1.5f, 1.5f, 0f, 0f).reshape(1, 1, 2, 2);
        INDArray target = Nd4j.createFromArray(0.5f, 1.0f, 0.25f, 0.25f).reshape(1, 1, 2, 2);
        INDArray hard = ReconstructionLoss.L2.evaluate(x, target, ReconstructionLoss.Clamp.HARD).gradient();
        ReconstructionLoss.Evaluation inward = ReconstructionLoss.L2.evaluate(x, target);
        assertEquals(0.0, hard.getDouble(0), 0.0);                  // the seed's clamp: stuck
        assertEquals(2 * (1.0 - 0.5) / 4 * 0.5, inward.gradient().getDouble(0), 1e-7);   // d/dx of mean (y - t)^2
        assertEquals(0.0, inward.gradient().getDouble(1), 0.0);     // overshoot of a saturated target: free
        assertEquals(hard.getDouble(2), inward.gradient().getDouble(2), 0.0);           // inside: the same
        assertEquals(hard.getDouble(3), inward.gradient().getDouble(3), 0.0);
        assertEquals(ReconstructionLoss.L2.value(x, target).getDouble(0), inward.perImage().getDouble(0), 1e-7);
    }

    @Test
    void knownValues() {
        INDArray img = Nd4j.rand(DataType.FLOAT, 1, 3, 16, 16).muli(0.8).addi(0.1);   // in [0.1, 0.9]
        INDArray x = img.mul(2).subi(1);                                                 // its sampler-range tensor
        assertEquals(1.0, ReconstructionLoss.ssim(x, img).getDouble(0), 1e-5);
        // a uniform error of 0.1 is an MSE of 0.01: PSNR 20 dB, and SSIM stays 1 up to the constants' effect
        INDArray shifted = img.add(0.1);
        assertEquals(20.0, ReconstructionLoss.psnr(x, shifted).getDouble(0), 1e-3);
        assertEquals(0.1, ReconstructionLoss.LINF.value(x, shifted).getDouble(0), 1e-6);
        assertEquals(0.1, ReconstructionLoss.L1.value(x, shifted).getDouble(0), 1e-6);
        // an image against its negative is about as far as images get: SSIM near -1 for a zero-mean pattern
        INDArray checker = Nd4j.create(DataType.FLOAT, 1, 1, 16, 16);
        for (int i = 0; i < 16; i++) {
            for (int j = 0; j < 16; j++) {
                checker.putScalar(new int[]{0, 0, i, j}, ((i + j) % 2 == 0) ? 0.9 : 0.1);
            }
        }
        INDArray inverse = checker.rsub(1.0);
        assertTrue(ReconstructionLoss.ssim(checker.mul(2).subi(1), inverse).getDouble(0) < -0.95);
    }

    @Test
    void badShapesAndNamesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ReconstructionLoss.L1.evaluate(Nd4j.zeros(1, 3, 8, 8), Nd4j.zeros(1, 3, 8, 9)));
        assertTrue(e.getMessage().contains("[1, 3, 8, 9]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReconstructionLoss.ssim(Nd4j.zeros(1, 3, 8, 8), Nd4j.zeros(1, 3, 8, 8)));
        assertTrue(e.getMessage().contains("11x11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReconstructionLoss.fromName("mae"));
        assertTrue(e.getMessage().contains("psnr, ssim, l1, l2 or linf"), e.getMessage());
    }
}
