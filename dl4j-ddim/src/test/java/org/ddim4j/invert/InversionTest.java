package org.ddim4j.invert;

import org.ddim4j.Fixtures;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.sampler.SampleResult;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InversionTest {
    private static final NoiseSchedule SCHEDULE = Fixtures.parityConfig().diffusion().noiseSchedule();

    /** eps = k x: a network whose sampler is linear in z (x_0 = C z; C = 0.84 for k = 0.9 at 10 steps), so an exact latent exists. */
    record LinearPredictor(double k) implements DifferentiableNoisePredictor {
        @Override
        public INDArray predictNoise(INDArray x, INDArray t) {
            return x.mul(k);
        }

        @Override
        public INDArray inputGradient(INDArray x, INDArray t, INDArray cotangent) {
            return cotangent.mul(k);
        }
    }

    private static DdimSampler sampler(int steps) {
        return new DdimSampler(SCHEDULE, TimestepSpacing.UNIFORM, steps, 0.0, false);
    }

    /** Images the linear model can produce exactly, in (0, 1). */
    private static INDArray reachableTargets(DifferentiableNoisePredictor net, DdimSampler s, long seed, int batch) {
        INDArray zStar = Inverter.randomLatents(new long[]{batch, 3, 16, 16}, seed);
        INDArray x = s.sample(net, zStar, null);
        double scale = 0.8 / x.amaxNumber().doubleValue();
        return s.sample(net, zStar.mul(scale), null).add(1).divi(2);
    }

    @Test
    void inversionStepGradientEqualsTheFixture() {
        Map<String, INDArray> ref = Fixtures.npz("inversion_step.npz");
        UNet net = Fixtures.parityNetwork();
        DdimSampler s = sampler(10);
        SampleResult run = s.run(net, ref.get("z0").reshape(1, 3, 32, 32), null, true);
        ReconstructionLoss.Evaluation e = ReconstructionLoss.L1.evaluate(run.sample(), ref.get("target").reshape(1, 3, 32, 32),
                ReconstructionLoss.Clamp.HARD);                                       // the seed's clamp, as the fixture
        assertEquals(ref.get("loss").getDouble(0), e.perImage().getDouble(0), 1e-5);
        INDArray gradZ = s.inputGradient(net, run, e.gradient()).reshape(3, 32, 32);
        double rel = gradZ.sub(ref.get("grad_z")).norm2Number().doubleValue() / ref.get("grad_z").norm2Number().doubleValue();
        assertTrue(rel < 1e-4, "grad_z relative diff " + rel);
    }

    @Test
    void optimisationFindsTheLatentOfAReachableImage() {
        var net = new LinearPredictor(0.9);
        DdimSampler s = sampler(10);
        INDArray targets = reachableTargets(net, s, 1, 2);
        INDArray start = Inverter.randomLatents(targets.shape(), 2);
        List<Integer> seen = new ArrayList<>();
        InversionSettings settings = new InversionSettings(60, 0.05, InversionSettings.Optimizer.ADAM, 0.9,
                ReconstructionLoss.PSNR).withFrameEvery(20);
        InversionResult r = OptimizationInversion.invert(net, s, targets, start, settings, (i, psnr, loss) -> seen.add(i));
        assertEquals(60, seen.size());
        assertEquals(60, r.psnrHistory().size());
        assertEquals(4, r.frames().size());                        // iterations 0, 20, 40 and the final evaluation
        double first = r.psnrHistory().get(0)[0];
        assertTrue(r.psnr().getDouble(0) > first + 15 && r.psnr().getDouble(0) > 30,
                "PSNR from " + first + " to " + r.psnr().getDouble(0));
        assertTrue(r.ssim().getDouble(1) > 0.95, "SSIM " + r.ssim());
    }

    @Test
    void everyLossAndNesterovSgdImproveTheReconstruction() {
        var net = new LinearPredictor(0.9);
        DdimSampler s = sampler(5);
        INDArray targets = reachableTargets(net, s, 3, 1);
        INDArray start = Inverter.randomLatents(targets.shape(), 4);
        double before = ReconstructionLoss.psnr(s.sample(net, start, null), targets).getDouble(0);
        for (ReconstructionLoss loss : ReconstructionLoss.values()) {
            var settings = new InversionSettings(30, 0.05, InversionSettings.Optimizer.ADAM, 0.9, loss);
            InversionResult r = OptimizationInversion.invert(net, s, targets, start, settings, null);
            double from = loss.value(s.sample(net, start, null), targets).getDouble(0);
            double to = loss.value(r.reconstruction(), targets).getDouble(0);
            assertTrue(to < from - 0.03 * Math.abs(from), loss + ": its value " + from + " -> " + to);
            if (loss != ReconstructionLoss.LINF) {                 // L-inf moves one pixel at a time
                assertTrue(r.psnr().getDouble(0) > before + 3, loss + ": PSNR " + before + " -> " + r.psnr().getDouble(0));
            }
        }
        // SGD's steps scale with the gradient: -PSNR's is about 4.3 * 2 err / (n mse), hence a larger lr
        var nesterov = new InversionSettings(30, 2.0, InversionSettings.Optimizer.NESTEROV, 0.9, ReconstructionLoss.PSNR);
        InversionResult r = OptimizationInversion.invert(net, s, targets, start, nesterov, null);
        assertTrue(r.psnr().getDouble(0) > before + 3, "Nesterov: PSNR " + before + " -> " + r.psnr().getDouble(0));
    }

    @Test
    void aBatchInvertsAsItsImagesWouldOneByOne() {
        var net = new LinearPredictor(0.9);
        DdimSampler s = sampler(5);
        INDArray targets = reachableTargets(net, s, 5, 2);
        INDArray start = Inverter.randomLatents(targets.shape(), 6);
        var settings = InversionSettings.defaults().withIterations(10);
        InversionResult both = OptimizationInversion.invert(net, s, targets, start, settings, null);
        for (int b = 0; b < 2; b++) {
            InversionResult one = OptimizationInversion.invert(net, s, targets.slice(b).reshape(1, 3, 16, 16),
                    start.slice(b).reshape(1, 3, 16, 16), settings, null);
            assertTrue(Fixtures.maxAbsDiff(one.latent().reshape(3, 16, 16), both.latent().slice(b)) < 1e-5);
        }
    }

    @Test
    void odeInversionErrorShrinksAsStepsGrow() {
        var net = new LinearPredictor(0.9);
        INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, 16, 16).muli(0.8).addi(0.1);
        double previous = 0;
        for (int steps : new int[]{5, 20, 100}) {
            InversionResult r = new Inverter(net, sampler(steps), null).ode(image, false);
            double psnr = r.psnr().getDouble(0);
            assertTrue(psnr > previous, steps + " steps: PSNR " + psnr + " after " + previous);
            previous = psnr;
        }
        assertTrue(previous > 40, "PSNR at 100 steps " + previous);
    }

    @Test
    void slerpKeepsTheLatentNormWhereLerpDoesNot() {
        INDArray a = Inverter.randomLatents(new long[]{3, 32, 32}, 1);
        INDArray b = Inverter.randomLatents(new long[]{3, 32, 32}, 2);
        double na = a.norm2Number().doubleValue();
        double nb = b.norm2Number().doubleValue();
        INDArray path = LatentInterpolation.path(a, b, 9, true);
        for (int i = 0; i < 9; i++) {
            double expected = na + (nb - na) * i / 8.0;
            assertEquals(1.0, path.slice(i).norm2Number().doubleValue() / expected, 0.01, "frame " + i);
        }
        assertEquals(0.0, Fixtures.maxAbsDiff(path.slice(0), a), 1e-5);
        assertEquals(0.0, Fixtures.maxAbsDiff(path.slice(8), b), 1e-5);
        double lerpMid = LatentInterpolation.path(a, b, 9, false).slice(4).norm2Number().doubleValue();
        assertEquals(Math.sqrt(0.5), lerpMid / na, 0.05);          // independent Gaussians: half-way at 1/sqrt(2)
        assertThrows(IllegalArgumentException.class, () -> LatentInterpolation.slerp(a, Nd4j.zeros(3, 16, 16), 0.5));
    }

    @Test
    void encoderTrainedWithBothObjectivesInvertsFarBetterThanUntrained() {
        DdimConfig config = ConfigLoader.preset("emoji_demo");
        config = config.withData(config.data().withShape(List.of(3, 16, 16)));
        var net = new LinearPredictor(0.9);
        DdimSampler s = sampler(5);
        EncoderTraining.Pairs pairs = EncoderTraining.pairs(config, net, s, 64, 32, 11, null);
        List<Double> latentLoss = new ArrayList<>();
        List<Double> imageLoss = new ArrayList<>();
        var settings = new EncoderTraining.Settings(64, 40, 5, 16, 3e-3, ReconstructionLoss.L2, 11);
        LatentEncoder encoder = EncoderTraining.train(config, net, s, pairs, settings, (objective, step, loss) ->
                (objective.equals("latent") ? latentLoss : imageLoss).add(loss));
        assertEquals(40, latentLoss.size());
        assertEquals(5, imageLoss.size());
        double early = latentLoss.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
        double late = latentLoss.subList(35, 40).stream().mapToDouble(d -> d).average().orElseThrow();
        assertTrue(late < 0.5 * early, "latent loss " + early + " -> " + late);
        INDArray held = EncoderTraining.pairs(config, net, s, 4, 4, 99, null).images();
        double trained = new Inverter(net, s, encoder).encoder(held).psnr().meanNumber().doubleValue();
        double untrained = new Inverter(net, s, LatentEncoder.create(config, 12)).encoder(held).psnr().meanNumber().doubleValue();
        assertTrue(trained > untrained + 5, "encoder PSNR " + untrained + " untrained, " + trained + " trained");
    }

    @Test
    void theImageObjectiveOnOtherImagesAdaptsAnEncoderToThem() {
        DdimConfig preset = ConfigLoader.preset("emoji_demo");
        DdimConfig config = preset.withData(preset.data().withShape(List.of(3, 16, 16)));
        var net = new LinearPredictor(0.9);
        DdimSampler s = sampler(5);
        LatentEncoder encoder = LatentEncoder.create(config, 12);
        // "real" images from another distribution: the model's images with their colours inverted
        INDArray real = EncoderTraining.pairs(config, net, s, 64, 32, 21, null).images().rsub(1);
        INDArray held = EncoderTraining.pairs(config, net, s, 8, 8, 99, null).images().rsub(1);
        double before = new Inverter(net, s, encoder).encoder(held).psnr().meanNumber().doubleValue();
        List<Double> imageLoss = new ArrayList<>();
        LatentEncoder adapted = EncoderTraining.train(config, net, s, null, real, encoder,
                new EncoderTraining.Settings(64, 0, 12, 8, 3e-3, ReconstructionLoss.L2, 11),
                (objective, step, loss) -> imageLoss.add(loss));
        assertSame(encoder, adapted);                                      // trained in place, from where it was
        assertEquals(12, imageLoss.size());
        double after = new Inverter(net, s, adapted).encoder(held).psnr().meanNumber().doubleValue();
        assertTrue(after > before + 3, "held-out PSNR of inverted-colour images " + before + " -> " + after);

        var settings = new EncoderTraining.Settings(64, 1, 1, 16, 3e-3, ReconstructionLoss.L2, 11);
        var noPairs = assertThrows(IllegalArgumentException.class,
                () -> EncoderTraining.train(config, net, s, null, real, null, settings, null));
        assertTrue(noPairs.getMessage().contains("need pairs"), noPairs.getMessage());
        var wrongShape = assertThrows(IllegalArgumentException.class, () -> EncoderTraining.train(config, net, s, null,
                Nd4j.zeros(4, 3, 8, 8), null, new EncoderTraining.Settings(64, 0, 1, 16, 3e-3, ReconstructionLoss.L2, 11), null));
        assertTrue(wrongShape.getMessage().contains("[M, 3, 16, 16]") && wrongShape.getMessage().contains("[4, 3, 8, 8]"),
                wrongShape.getMessage());
    }

    @Test
    void aStochasticSamplerIsRefused() {
        var noisy = new DdimSampler(SCHEDULE, TimestepSpacing.UNIFORM, 5, 1.0, false);
        var e = assertThrows(IllegalArgumentException.class, () -> new Inverter(new LinearPredictor(0.9), noisy, null));
        assertTrue(e.getMessage().contains("eta 0"), e.getMessage());
    }
}
