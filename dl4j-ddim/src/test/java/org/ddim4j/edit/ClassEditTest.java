package org.ddim4j.edit;

import org.ddim4j.config.NetworkConfig;
import org.ddim4j.model.ClassConditionalModelTest;
import org.ddim4j.model.DdimModel;
import org.ddim4j.random.Seeds;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Editing by class label: the strength's algebra, strength 0 as the unedited image, and what is refused. */
class ClassEditTest {
    private static final INDArray X = Seeds.gaussian(1, 3, 3, 8, 8);
    private static final INDArray T = Nd4j.createFromArray(10f, 500f, 990f);

    private static double maxAbs(INDArray a) {
        return a.castTo(DataType.DOUBLE).amaxNumber().doubleValue();
    }

    /**
     * Step 1, eps_s = eps(x) + s (eps(x, c) - eps(x)), for strengths between, beyond and below the two predictions.
     * The guided form computes (1 + w) a - w b in float32 with w = s - 1: three roundings of at most 2^-24 relative
     * each, on terms of size |s| M and |s - 1| M (M the larger prediction), so at most 2e-7 (|s| + |s - 1|) M; the
     * bound 1e-6 (|s| + |s - 1|) M leaves room for the reference's own rounding.
     */
    @Test
    void strengthBlendsTheNullAndTheClassPredictions() {
        DdimModel m = ClassConditionalModelTest.model();
        int heart = m.classes().label("heart");
        INDArray nullClass = m.noisePredictor().predictNoise(X, T);
        INDArray conditional = m.noisePredictor(new int[]{heart, heart, heart}, 0).predictNoise(X, T);
        double scale = Math.max(maxAbs(nullClass), maxAbs(conditional));
        for (double s : new double[]{-1, 0.5, 1, 2.5}) {
            INDArray expected = nullClass.add(conditional.sub(nullClass).mul(s));
            INDArray edited = ClassEdit.predictor(m, heart, s, 3).predictNoise(X, T);
            assertTrue(maxAbs(edited.sub(expected)) <= 1e-6 * (Math.abs(s) + Math.abs(s - 1)) * scale, "strength " + s);
        }
        // the class matters: heart's edit differs from smile's (by far more than float32 rounding, 6e-8 of the scale)
        INDArray smile = ClassEdit.predictor(m, m.classes().label("smile"), 1, 3).predictNoise(X, T);
        assertTrue(maxAbs(smile.sub(conditional)) > 1e-3 * scale);
    }

    /** Strength 0 decodes a latent with the null class exactly: the unedited image is the latent's own. */
    @Test
    void strengthZeroDecodesTheLatentsOwnImage() {
        DdimModel m = ClassConditionalModelTest.model();
        DdimSampler sampler = m.sampler(4, TimestepSpacing.QUADRATIC, 0);
        INDArray z = Seeds.gaussian(7, 2, 3, 8, 8);
        INDArray own = sampler.sample(m.noisePredictor(), z, null);
        INDArray unedited = sampler.sample(ClassEdit.predictor(m, 1, 0, 2), z, null);
        assertEquals(0.0, maxAbs(unedited.sub(own)), 0.0);
        INDArray edited = sampler.sample(ClassEdit.predictor(m, 1, 2, 2), z, null);
        assertTrue(maxAbs(edited.sub(own)) > 1e-3, "a strength of 2 changes the image (beyond float32 rounding)");
    }

    @Test
    void editingByClassRefusesWhatItCannotDo() {
        DdimModel m = ClassConditionalModelTest.model();
        var label = assertThrows(IllegalArgumentException.class, () -> ClassEdit.predictor(m, 3, 1, 2));
        assertEquals("class label 3 is outside 0..2", label.getMessage());
        var strength = assertThrows(IllegalArgumentException.class, () -> ClassEdit.predictor(m, 1, Double.NaN, 2));
        assertEquals("an edit's strength must be a finite number, got NaN", strength.getMessage());
        NetworkConfig plain = new NetworkConfig(8, 1, List.of(1, 2), List.of(4), 16, 0.0, 4, 0.9, true);
        DdimModel unconditional = new DdimModel(m.config().withNetwork(plain), UNet.create(plain, m.config().data().shape(), 3));
        var notConditional = assertThrows(IllegalArgumentException.class, () -> ClassEdit.predictor(unconditional, 0, 1, 2));
        assertEquals("editing by class needs a class-conditional model (network.class_conditional)", notConditional.getMessage());
    }
}
