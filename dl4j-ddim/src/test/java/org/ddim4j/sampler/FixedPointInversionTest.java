package org.ddim4j.sampler;

import org.ddim4j.random.Seeds;
import org.ddim4j.schedule.BetaSchedule;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.TimestepSpacing;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixed-point DDIM-ODE inversion on a Gaussian mixture with narrow components, whose ideal noise predictor
 * changes fast with x at low noise: there a step's map G contracts slowly (or not at all), and plain iteration
 * stalls where Anderson acceleration converges.
 */
class FixedPointInversionTest {
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.of(BetaSchedule.LINEAR, 1e-4, 0.02, 1000);
    private static final GaussianMixture DATA = new GaussianMixture(new double[]{0.5, 0.5},
            new double[][]{{-1, 0.5, 0.3, 0.0}, {1, -0.5, -0.2, 0.4}}, new double[]{0.03, 0.03}, SCHEDULE);
    private static final DdimSampler SAMPLER = new DdimSampler(SCHEDULE, TimestepSpacing.QUADRATIC, 5, 0, false);
    private static final int BUDGET = 40;
    private static final double TOLERANCE = 1e-6;

    /** Points unlike the data: between and beyond the two components. */
    private static INDArray images() {
        return Seeds.uniform(3, -1.5, 1.5, 16, 4, 1, 1);
    }

    private static double maxError(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    @Test
    void andersonConvergesWherePlainIterationStalls() {
        INDArray x0 = images();
        FixedPointInversion.Result plain = new FixedPointInversion(SAMPLER, new FixedPointSettings(BUDGET, TOLERANCE, 0))
                .invert(DATA, x0, false);
        FixedPointInversion.Result anderson = new FixedPointInversion(SAMPLER, new FixedPointSettings(BUDGET, TOLERANCE, FixedPointSettings.DEFAULT_DEPTH))
                .invert(DATA, x0, false);
        int plainConverged = count(plain.converged());
        System.out.printf(Locale.ROOT, "fixed point, %d images, 5 quadratic steps, %d iterations at most, tolerance %.0e:%n"
                        + "  plain:    %d converged, worst residual %.2e, %.1f evaluations per image%n"
                        + "  Anderson: %d converged, worst residual %.2e, %.1f evaluations per image%n",
                x0.size(0), BUDGET, TOLERANCE, plainConverged, max(plain.residual()), mean(plain.evaluations()),
                count(anderson.converged()), max(anderson.residual()), mean(anderson.evaluations()));
        boolean[] all = new boolean[(int) x0.size(0)];
        Arrays.fill(all, true);
        assertArrayEquals(all, anderson.converged(), "Anderson converges on every image");
        assertTrue(plainConverged < x0.size(0) / 2, "plain iteration stalls on most images within the same budget");
        // converged steps invert the sampler's steps: a residual of 1e-6 in x_t becomes at most 1e-6 / sqrt(alpha_bar_T)
        // ~ 1.6e-4 in the image, five steps at most 8e-4
        double back = maxError(SAMPLER.sample(DATA, anderson.run().sample(), null), x0);
        double ode = maxError(SAMPLER.sample(DATA, SAMPLER.encode(DATA, x0, false).sample(), null), x0);
        System.out.printf(Locale.ROOT, "  round trip: Anderson %.2e, plain DDIM-ODE %.2e%n", back, ode);
        assertTrue(back < 1e-3 && back < ode / 100, "Anderson's latents decode to the images: " + back + " vs the ODE's " + ode);
    }

    @Test
    void plainIterationWithoutToleranceIsTheSamplersFixedPoint() {
        INDArray x0 = images();
        INDArray viaSampler = SAMPLER.encode(DATA, x0, false, 3).sample();
        FixedPointInversion.Result r = new FixedPointInversion(SAMPLER, FixedPointSettings.plain(3)).invert(DATA, x0, false);
        assertTrue(maxError(viaSampler, r.run().sample()) < 1e-5, "the same iteration as DdimSampler.encode(.., 3)");
        assertEquals(4 * 5, r.evaluations()[0]);
        assertThrows(IllegalArgumentException.class, () -> new FixedPointSettings(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FixedPointSettings(3, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new FixedPointSettings(3, 1e-5, -2));
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean v : b) {
            n += v ? 1 : 0;
        }
        return n;
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static double mean(int[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }
}
