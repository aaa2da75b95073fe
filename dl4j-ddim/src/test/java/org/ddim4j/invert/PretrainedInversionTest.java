package org.ddim4j.invert;

import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.TimestepSpacing;
import org.ddim4j.zoo.DdimZooModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inversion with the trained emoji model that ships in the jar. */
class PretrainedInversionTest {
    @Test
    void odeInversionOfAGeneratedImageReconstructsItAlmostExactlyAt50Steps() throws IOException {
        DdimModel model = DdimZooModel.of("emoji").initPretrainedModel();
        DdimSampler sampler = model.sampler(50, TimestepSpacing.UNIFORM, 0.0);
        INDArray z = Inverter.randomLatents(new long[]{2, 3, 32, 32}, 5);
        INDArray generated = ReconstructionLoss.toImage(sampler.sample(model.network(), z, null));
        double[] psnr = new double[2];
        for (int steps : new int[]{10, 50}) {
            DdimSampler s = model.sampler(steps, TimestepSpacing.UNIFORM, 0.0);
            InversionResult r = new Inverter(model, s, null).ode(generated, false);
            psnr[steps == 10 ? 0 : 1] = r.psnr().minNumber().doubleValue();
        }
        assertTrue(psnr[1] > 35, "ODE inversion at 50 steps: PSNR " + psnr[1]);
        assertTrue(psnr[1] > psnr[0], "PSNR at 10 steps " + psnr[0] + ", at 50 " + psnr[1]);
    }
}
