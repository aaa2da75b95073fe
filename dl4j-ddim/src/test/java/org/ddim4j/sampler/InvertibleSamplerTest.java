package org.ddim4j.sampler;

import org.ddim4j.Fixtures;
import org.ddim4j.random.Seeds;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EDICT and BDIA on the parity network: encoding then decoding gives any image back, to float32 rounding. */
class InvertibleSamplerTest {
    private static final UNet NET = Fixtures.parityNetwork();

    /** PSNR in dB of images in [-1, 1], as pixels in [0, 1]. */
    private static double psnr(INDArray a, INDArray b) {
        double mse = a.sub(b).divi(2).castTo(DataType.DOUBLE).norm2Number().doubleValue();
        mse = mse * mse / a.length();
        return 10 * Math.log10(1 / mse);
    }

    /** Images unlike anything the network saw: uniform noise, Gaussian noise clipped to [-1, 1], flat white and black. */
    private static INDArray strangeImages() {
        INDArray uniform = Seeds.uniform(4, -1, 1, 1, 3, 32, 32);
        INDArray gaussian = org.nd4j.linalg.ops.transforms.Transforms.min(
                org.nd4j.linalg.ops.transforms.Transforms.max(Seeds.gaussian(5, 1, 3, 32, 32), -1.0, false), 1.0, false);
        INDArray white = Nd4j.ones(DataType.FLOAT, 1, 3, 32, 32);
        return Nd4j.concat(0, uniform, gaussian, white, white.neg());
    }

    /**
     * BDIA with gamma below 1 divides by gamma at every encoding step, growing the recurrence's parasitic solution about
     * as (1 / gamma)^S: at gamma 0.5 exact at S = 10 and 20 (about 130 dB), not at 50 (11 dB; 2^50 ~ 1e15 eats double's
     * 16 digits), hence only S = 10 here and gamma 1 as the default.
     */
    @ParameterizedTest
    @CsvSource({"edict, 0.93, 10 20 50", "bdia, 1.0, 10 20 50", "bdia, 0.5, 10"})
    void encodeThenDecodeReturnsAnyImageToFloatRounding(String kind, double coupling, String stepCounts) {
        INDArray images = strangeImages();
        StringBuilder log = new StringBuilder();
        for (int steps : java.util.Arrays.stream(stepCounts.split(" ")).mapToInt(Integer::parseInt).toArray()) {
            InvertibleSampler sampler = (InvertibleSampler) SamplerKind.of(kind).create(
                    Fixtures.parityConfig().diffusion().noiseSchedule(), TimestepSpacing.LINSPACE, steps, 0, false, coupling);
            LatentPair latent = sampler.encode(NET, images);
            INDArray back = sampler.decode(NET, latent);
            for (int b = 0; b < images.size(0); b++) {
                double db = psnr(back.slice(b), images.slice(b));
                log.append(String.format(java.util.Locale.ROOT, " S=%d image %d: %.1f dB;", steps, b, db));
                // float32 carries about 7 digits: 60 dB is a round trip within 1e-3 of the pixel range
                assertTrue(db >= 60, "round trip at S = " + steps + ", image " + b + ":" + log);
            }
        }
        System.out.println(kind + " (" + coupling + ") round trips on the parity network:" + log);
    }

    @Test
    void samplingStartsBothSequencesAtTheNoiseAndCountsTwoEvaluationsAStep() {
        EdictSampler edict = new EdictSampler(Fixtures.parityConfig().diffusion().noiseSchedule(), TimestepSpacing.TRAILING, 5, 0.93);
        INDArray z = Seeds.gaussian(8, 2, 3, 32, 32);
        assertEquals(edict.decode(NET, new LatentPair(z, z)), edict.sample(NET, z, null));
        assertEquals(10, edict.evaluations());
        assertThrows(IllegalArgumentException.class, () -> new EdictSampler(
                Fixtures.parityConfig().diffusion().noiseSchedule(), TimestepSpacing.TRAILING, 5, 0.0));
    }

    @Test
    void bdiaGeneratesWithDdimsFirstStepAndOneEvaluationAStep() {
        var schedule = Fixtures.parityConfig().diffusion().noiseSchedule();
        BdiaSampler bdia = new BdiaSampler(schedule, TimestepSpacing.TRAILING, 5, 0.7);
        DdimSampler ddim = new DdimSampler(schedule, TimestepSpacing.TRAILING, 5, 0, false);
        INDArray z = Seeds.gaussian(9, 2, 3, 32, 32);
        LatentPair start = bdia.fromNoise(NET, z);
        INDArray ddimFirst = ddim.step(NET, z, ddim.timesteps()[0], ddim.nextTimesteps()[0], null).xNext();
        assertTrue(start.y().castTo(DataType.FLOAT).sub(ddimFirst).amaxNumber().doubleValue() < 1e-5, "z_1 is DDIM's first step");
        assertEquals(bdia.decode(NET, start), bdia.sample(NET, z, null));
        assertEquals(5, bdia.evaluations());
        assertThrows(IllegalArgumentException.class, () -> new BdiaSampler(schedule, TimestepSpacing.TRAILING, 5, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new LatentPair(z, z.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0))));
    }
}
