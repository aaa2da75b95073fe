package org.ddim4j.invert;

import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.zoo.DdimZooModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** DDIM-ODE inversion of images the trained emoji model (shipped in the jar) generated itself. */
class PretrainedInversionTest {
    @Test
    void odeInversionOfAGeneratedImageIsAlmostExactWithFixedPointIterations() throws IOException {
        DdimModel model = DdimZooModel.of("emoji").initPretrainedModel();
        INDArray z = Inverter.randomLatents(new long[]{2, 3, 32, 32}, 5);
        double[] s50 = new double[2];
        int[] iterations = {0, 3};
        DdimSampler sampler = model.sampler(50, TimestepSpacing.UNIFORM, 0.0);
        // the generated image exactly as the sampler made it, (x + 1) / 2 without the clamp to [0, 1], which would
        // move it off the model's manifold wherever it overshoots (white backgrounds) ...
        INDArray generated = sampler.sample(model.network(), z, null).add(1).divi(2);
        for (int i = 0; i < iterations.length; i++) {
            s50[i] = roundTripPsnr(model, sampler, iterations[i], generated);
        }
        DdimSampler ten = model.sampler(10, TimestepSpacing.UNIFORM, 0.0);
        double s10 = roundTripPsnr(model, ten, 6, ten.sample(model.network(), z, null).add(1).divi(2));
        System.out.printf("ODE inversion of generated images, PSNR: S = 50 plain %.2f dB, 3 fixed-point iterations %.2f dB;"
                + " S = 10, 6 iterations %.2f dB%n", s50[0], s50[1], s10);
        // measured with the shipped weights: plain 26.9 dB (the Euler step's error, large where eps changes fast),
        // 3 iterations 65.7 dB, S = 10 with 6 iterations 47.3 dB
        assertTrue(s50[0] > 22, "plain ODE inversion at 50 steps: PSNR " + s50[0]);
        assertTrue(s50[1] > 55, "3 fixed-point iterations at 50 steps: PSNR " + s50[1]);
        assertTrue(s10 > 40, "6 fixed-point iterations at 10 steps: PSNR " + s10);
    }

    /** ... and measured against it as displayed (clamped to [0, 1]), as every reconstruction is. */
    private static double roundTripPsnr(DdimModel model, DdimSampler sampler, int fixedPoint, INDArray generated) {
        InversionResult r = new Inverter(model, sampler, null).withOdeFixedPoint(fixedPoint).ode(generated, false);
        INDArray shown = Transforms.min(Transforms.max(generated, 0.0, true), 1.0, false);
        return ReconstructionLoss.psnr(r.reconstruction(), shown).minNumber().doubleValue();
    }
}
