package org.ddim4j.schedule;

import org.ddim4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseScheduleTest {
    @Test
    void linearScheduleMatchesTheReference() {
        Map<String, INDArray> ref = Fixtures.npz("schedule.npz");
        NoiseSchedule s = NoiseSchedule.of(BetaSchedule.LINEAR, 1e-4, 0.02, 1000);
        float[] betas = ref.get("betas").toFloatVector();
        float[] abar = ref.get("alphas_cumprod").toFloatVector();
        for (int t = 0; t < 1000; t++) {
            assertEquals(betas[t], s.beta(t), 2e-9);
            assertEquals(abar[t], s.alphaBar(t), 3e-7 * abar[t] + 1e-12);
        }
        assertEquals(1.0f, s.alphaBar(-1));
    }

    @Test
    void everyScheduleDecreasesFromOneTowardsZero() {
        for (BetaSchedule b : BetaSchedule.values()) {
            for (int numT : new int[]{10, 1000, 4000}) {
                NoiseSchedule s = NoiseSchedule.of(b, 1e-4, 0.02, numT);
                assertEquals(numT, s.numSteps());
                for (int t = 0; t < numT; t++) {
                    assertTrue(s.alphaBar(t) < s.alphaBar(t - 1), b + " not decreasing at " + t);
                }
                if (numT >= 1000) {
                    assertTrue(s.alphaBar(numT - 1) < 0.01, b + " T=" + numT + " ends at " + s.alphaBar(numT - 1));
                }
            }
        }
    }

    @Test
    void cosineScheduleFollowsNicholAndDhariwal() {
        NoiseSchedule s = NoiseSchedule.of(BetaSchedule.COSINE, 0, 0, 1000);
        double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        double f500 = Math.pow(Math.cos((0.5 + 0.008) / 1.008 * Math.PI / 2), 2);
        assertEquals(f500 / f0, s.alphaBar(499), 1e-5);
    }

    @Test
    void quadraticScheduleSquaresALinspaceOfRoots() {
        NoiseSchedule s = NoiseSchedule.of(BetaSchedule.QUADRATIC, 1e-4, 0.02, 1000);
        assertEquals(1e-4, s.beta(0), 1e-10);
        assertEquals(0.02, s.beta(999), 1e-9);
        double mid = Math.pow((Math.sqrt(1e-4) + Math.sqrt(0.02)) / 2, 2);
        assertEquals(mid, (s.beta(499) + s.beta(500)) / 2, 1e-5);
    }

    @Test
    void outOfRangeTimestepsAreRefused() {
        NoiseSchedule s = NoiseSchedule.of(BetaSchedule.LINEAR, 1e-4, 0.02, 10);
        assertThrows(IllegalArgumentException.class, () -> s.alphaBar(10));
        assertThrows(IllegalArgumentException.class, () -> s.alphaBar(-2));
        assertThrows(IllegalArgumentException.class, () -> BetaSchedule.fromName("sigmoid"));
    }

    @Test
    void timestepOfInvertsSigmaAndInterpolatesInLogSigma() {
        NoiseSchedule s = NoiseSchedule.of(BetaSchedule.LINEAR, 1e-4, 0.02, 1000);
        for (int t : new int[]{0, 1, 17, 500, 998, 999}) {
            assertEquals(t, s.timestepOf(s.sigma(t)), 1e-9, "t = " + t);
        }
        double mid = Math.sqrt(s.sigma(40) * s.sigma(41));          // halfway in log sigma
        assertEquals(40.5, s.timestepOf(mid), 1e-9);
        assertEquals(0, s.timestepOf(1e-9));
        assertEquals(999, s.timestepOf(1e9));
        assertThrows(IllegalArgumentException.class, () -> s.timestepOf(0));
    }

    @Test
    void addNoiseIsTheForwardProcessPerImage() {
        NoiseSchedule s = NoiseSchedule.of(BetaSchedule.LINEAR, 1e-4, 0.02, 1000);
        INDArray x0 = org.nd4j.linalg.factory.Nd4j.linspace(-1, 1, 2 * 3 * 2 * 2, org.nd4j.linalg.api.buffer.DataType.FLOAT)
                .reshape(2, 3, 2, 2);
        INDArray eps = org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 2, 2);
        INDArray xt = s.addNoise(x0, eps, new int[]{0, 999});
        for (int b = 0; b < 2; b++) {
            double a = s.alphaBar(b == 0 ? 0 : 999);
            INDArray expected = x0.slice(b).mul((float) Math.sqrt(a)).addi(eps.slice(b).mul((float) Math.sqrt(1 - a)));
            assertEquals(expected, xt.slice(b));
        }
        assertThrows(IllegalArgumentException.class, () -> s.addNoise(x0, eps, new int[]{0}));
    }

    @Test
    void karrasSpacingRunsFromTheLastTimestepToTheFirstDenseAtLowNoise() {
        NoiseSchedule s = NoiseSchedule.of(BetaSchedule.LINEAR, 1e-4, 0.02, 1000);
        int[] t = TimestepSpacing.KARRAS.timesteps(s, 10);
        assertEquals(10, t.length);
        assertEquals(0, t[0]);
        assertEquals(999, t[9]);
        for (int i = 1; i < t.length; i++) {
            assertTrue(t[i] > t[i - 1], java.util.Arrays.toString(t));
        }
        int[] lin = TimestepSpacing.LINSPACE.timesteps(s, 10);
        // Karras's grid is uniform in sigma^(1/7): its first step, from t = 0, is several times shorter than linspace's
        assertTrue(t[1] - t[0] < (lin[1] - lin[0]) / 4 && t[2] < lin[2], "karras " + java.util.Arrays.toString(t) + " against linspace " + java.util.Arrays.toString(lin));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.KARRAS.timesteps(s, 900));
        assertTrue(e.getMessage().contains("give fewer steps"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.KARRAS.timesteps(1000, 10));
    }
}
