package org.ddim4j.schedule;

import org.ddim4j.Fixtures;
import org.ddim4j.random.Seeds;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * v-prediction as every sampler sees it. The exact v-network of an eps-network E is V(x, t) = (E(x, t) - s_t x) / a_t
 * (eps = a_t v + s_t x_t solved for v): wrapped in {@link VelocityPredictor} it must be E again, so every sampler
 * draws the same images from it and every gradient through it is E's.
 */
class VelocityPredictorTest {
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.of(BetaSchedule.LINEAR, 1e-4, 0.02, 1000);

    /** y times f(alpha_bar_t), per image. */
    private static INDArray scaled(INDArray y, INDArray t, DoubleUnaryOperator f) {
        int batch = (int) y.size(0);
        float[] factor = new float[batch];
        for (int k = 0; k < batch; k++) {
            factor[k] = (float) f.applyAsDouble(SCHEDULE.alphaBar((int) t.getDouble(k)));
        }
        return y.castTo(DataType.FLOAT).reshape(batch, -1).mulColumnVector(Nd4j.createFromArray(factor).reshape(batch, 1))
                .reshape(y.shape());
    }

    private static final DoubleUnaryOperator NOISE = ab -> Math.sqrt(1 - ab);
    private static final DoubleUnaryOperator INVERSE_SIGNAL = ab -> 1 / Math.sqrt(ab);

    /** The v-network whose noise prediction is {@code eps}'s. */
    private record ExactV(DifferentiableNoisePredictor eps) implements DifferentiableNoisePredictor {
        @Override
        public INDArray predictNoise(INDArray x, INDArray t) {
            // V = (E - s x) / a
            return scaled(eps.predictNoise(x, t).sub(scaled(x, t, NOISE)), t, INVERSE_SIGNAL);
        }

        @Override
        public INDArray inputGradient(INDArray x, INDArray t, INDArray g) {
            // J_V^T g = J_E^T (g / a) - s g / a
            INDArray overA = scaled(g, t, INVERSE_SIGNAL);
            return eps.inputGradient(x, t, overA).sub(scaled(overA, t, NOISE));
        }
    }

    private static double relative(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue()
                / b.amaxNumber().doubleValue();
    }

    @Test
    void anEpsNetworkIsItsOwnNoisePredictor() {
        UNet net = Fixtures.parityNetwork();
        assertSame(net, Prediction.EPSILON.noisePredictor(net, SCHEDULE));
    }

    @Test
    void theExactVNetworkOfAnEpsNetworkGivesItsNoiseAndGradientsBack() {
        UNet eps = Fixtures.parityNetwork();
        VelocityPredictor v = new VelocityPredictor(new ExactV(eps), SCHEDULE);
        INDArray x = Seeds.gaussian(3, 4, 3, 32, 32);
        INDArray t = Nd4j.createFromArray(0f, 250f, 700f, 999f);
        INDArray g = Seeds.gaussian(4, 4, 3, 32, 32);
        // float32: V divides by a_t >= 0.0064 and VelocityPredictor multiplies by it again, so the rounding of
        // E - s x (6e-8 of |x| ~ 4) comes back at its own size: 1e-5 of eps's scale bounds it with room
        double noise = relative(v.predictNoise(x, t), eps.predictNoise(x, t));
        double gradient = relative(v.inputGradient(x, t, g), eps.inputGradient(x, t, g));
        System.out.printf(Locale.ROOT, "v wrapper against the eps-network: noise %.2e, input gradient %.2e%n", noise, gradient);
        assertTrue(noise < 1e-5, "noise differs by " + noise);
        assertTrue(gradient < 1e-5, "input gradient differs by " + gradient);
    }

    @Test
    void everySamplerDrawsTheSameImagesFromTheExactVNetwork() {
        UNet eps = Fixtures.parityNetwork();
        VelocityPredictor v = new VelocityPredictor(new ExactV(eps), SCHEDULE);
        INDArray z = Seeds.gaussian(5, 1, 3, 32, 32);
        for (SamplerKind kind : SamplerKind.values()) {
            Sampler sampler = kind.create(SCHEDULE, TimestepSpacing.QUADRATIC, 10, 0.0, false);
            INDArray fromEps = sampler.sample(eps, z.dup(), null);
            INDArray fromV = sampler.sample(v, z.dup(), null);
            // each of the 10 steps adds the per-call error above (1e-5 of the scale) at most once: 1e-4
            double r = relative(fromV, fromEps);
            assertTrue(r < 1e-4, kind + ": the v-network's samples differ by " + r);
        }
    }

    @Test
    void aFractionalTimestepTakesAlphaBarFromTheInterpolatedNoiseLevel() {
        VelocityPredictor v = new VelocityPredictor(Fixtures.parityNetwork(), SCHEDULE);
        for (double sigma : new double[]{0.05, 0.7, 3.0, 40.0}) {
            double t = SCHEDULE.timestepOf(sigma);
            assertEquals(1 / (1 + sigma * sigma), v.alphaBarAt(t), 1e-12 + 1e-9 / (1 + sigma * sigma), "sigma " + sigma);
        }
        assertEquals(SCHEDULE.alphaBar(417), v.alphaBarAt(417.0), 0.0);
    }
}
