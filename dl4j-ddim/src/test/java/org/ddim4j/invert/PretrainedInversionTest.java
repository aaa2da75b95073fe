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

    /**
     * EDICT and BDIA on the shipped model, on images far from what it learned (uniform noise, a flat grey, a
     * checkerboard): the round trip returns them at S = 10, 20 and 50 to 60 dB or better (float32 carries about 7
     * digits; 60 dB is within 1e-3 of the pixel range).
     */
    @Test
    void exactSamplersInvertAnyImageOnTheShippedModel() throws IOException {
        DdimModel model = DdimZooModel.of("emoji").initPretrainedModel();
        INDArray noise = org.ddim4j.random.Seeds.uniform(21, 0, 1, 1, 3, 32, 32);
        INDArray grey = org.nd4j.linalg.factory.Nd4j.valueArrayOf(new long[]{1, 3, 32, 32}, 0.5f);
        INDArray checker = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 32, 32);
        for (int i = 0; i < 32; i++) {
            for (int j = 0; j < 32; j++) {
                if (((i / 4) + (j / 4)) % 2 == 0) {
                    for (int c = 0; c < 3; c++) {
                        checker.putScalar(new long[]{0, c, i, j}, 1.0);
                    }
                }
            }
        }
        INDArray targets = org.nd4j.linalg.factory.Nd4j.concat(0, noise, grey, checker);
        StringBuilder log = new StringBuilder();
        for (org.ddim4j.sampler.SamplerKind kind : new org.ddim4j.sampler.SamplerKind[]{
                org.ddim4j.sampler.SamplerKind.EDICT, org.ddim4j.sampler.SamplerKind.BDIA}) {
            for (int steps : new int[]{10, 20, 50}) {
                Inverter inverter = new Inverter(model, model.sampler(steps, TimestepSpacing.QUADRATIC, 0.0), null)
                        .withSampler(model.sampler(kind, steps, TimestepSpacing.QUADRATIC, 0.0));
                InversionResult r = inverter.invert(Inverter.Method.fromName(kind.key()), targets, InversionSettings.defaults(), 0, null);
                double worst = r.psnr().minNumber().doubleValue();
                log.append(String.format(java.util.Locale.ROOT, " %s S=%d %.1f dB;", kind, steps, worst));
                assertTrue(worst >= 60, kind + " at S = " + steps + ":" + log);
            }
        }
        System.out.println("exact inversion on the shipped model, worst PSNR:" + log);
    }

    /** ... and measured against it as displayed (clamped to [0, 1]), as every reconstruction is. */
    private static double roundTripPsnr(DdimModel model, DdimSampler sampler, int fixedPoint, INDArray generated) {
        InversionResult r = new Inverter(model, sampler, null).withOdeFixedPoint(fixedPoint).ode(generated, false);
        INDArray shown = Transforms.min(Transforms.max(generated, 0.0, true), 1.0, false);
        return ReconstructionLoss.psnr(r.reconstruction(), shown).minNumber().doubleValue();
    }
}
