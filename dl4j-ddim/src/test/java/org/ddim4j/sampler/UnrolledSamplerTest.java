package org.ddim4j.sampler;

import org.ddim4j.Fixtures;
import org.ddim4j.random.Seeds;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Any sampler differentiated in x_T by unrolling it into its affine combinations, on the parity network. */
class UnrolledSamplerTest {
    private static final UNet NET = Fixtures.parityNetwork();
    private static final NoiseSchedule SCHEDULE = Fixtures.parityConfig().diffusion().noiseSchedule();
    private static final INDArray Z = Seeds.gaussian(11, 2, 3, 32, 32);
    private static final INDArray W = Seeds.gaussian(12, 2, 3, 32, 32);

    /** L(x_T) = sum(W * sample(x_T)) in double. */
    private static double loss(Sampler s, INDArray z) {
        return s.sample(NET, z, null).castTo(DataType.DOUBLE).mul(W.castTo(DataType.DOUBLE)).sumNumber().doubleValue();
    }

    @Test
    void unrolledDdimHasDdimsOwnGradient() {
        DdimSampler ddim = new DdimSampler(SCHEDULE, TimestepSpacing.QUADRATIC, 5, 0, false);
        UnrolledSampler unrolled = new UnrolledSampler(ddim);
        INDArray own = ddim.inputGradient(NET, ddim.run(NET, Z, true), W);
        SampleResult run = unrolled.run(NET, Z, true);
        assertEquals(ddim.sample(NET, Z, null), run.sample(), "the run is the sampler's own");
        INDArray viaCoefficients = unrolled.inputGradient(NET, run, W);
        double rel = own.sub(viaCoefficients).norm2Number().doubleValue() / own.norm2Number().doubleValue();
        // float32 coefficients (1e-7 of their size, up to 1/sqrt(alpha_bar_T) ~ 1e2) against DDIM's float32 backward pass
        assertTrue(rel < 1e-4, "relative difference " + rel);
    }

    @Test
    void everyLinearSamplersGradientMatchesCentralDifferences() {
        INDArray v = Seeds.gaussian(13, 2, 3, 32, 32);
        StringBuilder log = new StringBuilder();
        for (SamplerKind kind : new SamplerKind[]{SamplerKind.DPMPP_2M, SamplerKind.DPMPP_3M, SamplerKind.UNIPC,
                SamplerKind.HEUN, SamplerKind.BDIA}) {
            Sampler s = kind.create(SCHEDULE, TimestepSpacing.QUADRATIC, 5, 0, false);
            UnrolledSampler unrolled = new UnrolledSampler(s);
            INDArray g = unrolled.inputGradient(NET, unrolled.run(NET, Z, true), W);
            double analytic = g.castTo(DataType.DOUBLE).mul(v.castTo(DataType.DOUBLE)).sumNumber().doubleValue();
            double h = 1e-2;
            double numeric = (loss(s, Z.add(v.mul(h))) - loss(s, Z.sub(v.mul(h)))) / (2 * h);
            double rel = Math.abs(analytic - numeric) / Math.abs(numeric);
            log.append(String.format(Locale.ROOT, " %s %.2e;", kind, rel));
            // central differences in float32: truncation O(h^2) ~ 1e-4 of the derivative, and rounding of L (about
            // 1e-7 |L| over 2h) ~ 1e-4 here: 1e-2 leaves a margin and still catches a wrong coefficient (order 1)
            assertTrue(rel < 1e-2, kind + ":" + log);
        }
        System.out.println("unrolled gradients against central differences, relative error:" + log);
    }

    @Test
    void aSamplerThatIsNotLinearIsRefused() {
        DdimSampler clipped = new DdimSampler(SCHEDULE, TimestepSpacing.QUADRATIC, 5, 0, true);
        var e = assertThrows(IllegalArgumentException.class, () -> new UnrolledSampler(clipped));
        assertTrue(e.getMessage().contains("not linear"), e.getMessage());
    }
}
