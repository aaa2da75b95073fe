package org.ddim4j.sampler;

import org.ddim4j.Fixtures;
import org.ddim4j.random.Seeds;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EDICT on the parity network: encoding then decoding gives any image back, to float32 rounding. */
class EdictSamplerTest {
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

    @Test
    void encodeThenDecodeReturnsAnyImageToFloatRounding() {
        INDArray images = strangeImages();
        StringBuilder log = new StringBuilder();
        for (int steps : new int[]{10, 20, 50}) {
            EdictSampler edict = new EdictSampler(Fixtures.parityConfig().diffusion().noiseSchedule(), TimestepSpacing.LINSPACE,
                    steps, EdictSampler.DEFAULT_MIXING);
            EdictSampler.Latent latent = edict.encode(NET, images);
            INDArray back = edict.decode(NET, latent);
            for (int b = 0; b < images.size(0); b++) {
                double db = psnr(back.slice(b), images.slice(b));
                log.append(String.format(java.util.Locale.ROOT, " S=%d image %d: %.1f dB;", steps, b, db));
                // float32 carries about 7 digits: 60 dB is a round trip within 1e-3 of the pixel range
                assertTrue(db >= 60, "round trip at S = " + steps + ", image " + b + ":" + log);
            }
        }
        System.out.println("EDICT round trips on the parity network:" + log);
    }

    @Test
    void samplingStartsBothSequencesAtTheNoiseAndCountsTwoEvaluationsAStep() {
        EdictSampler edict = new EdictSampler(Fixtures.parityConfig().diffusion().noiseSchedule(), TimestepSpacing.TRAILING, 5, 0.93);
        INDArray z = Seeds.gaussian(8, 2, 3, 32, 32);
        assertEquals(edict.decode(NET, new EdictSampler.Latent(z, z)), edict.sample(NET, z, null));
        assertEquals(10, edict.evaluations());
        assertThrows(IllegalArgumentException.class, () -> new EdictSampler(
                Fixtures.parityConfig().diffusion().noiseSchedule(), TimestepSpacing.TRAILING, 5, 0.0));
    }
}
