package org.ddim4j.edit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EditEffectTest {
    private static final double[] ALPHAS = {-2, -1, 0, 1, 2};

    @Test
    void anEditThatOnlyNudgesTinyScoresGainsNothingAndCrossesNothing() {
        // every latent "rises" (1e-7 -> 1e-6), the measure the README used to report: 100 % rising
        double[][] scores = {{1e-8, 5e-8, 1e-7, 5e-7, 1e-6}, {2e-8, 6e-8, 2e-7, 6e-7, 2e-6}};
        EditEffect e = EditEffect.of(ALPHAS, scores);
        assertEquals(2.0, e.bestAlpha());
        assertEquals(0.0, e.gain(), 1e-5);
        assertEquals(0.0, e.shareCrossing());
    }

    @Test
    void gainAndCrossingAreTakenAtTheBestAlpha() {
        double[][] scores = {
                {0.0, 0.1, 0.2, 0.7, 0.4},    // crosses at +1, the best alpha
                {0.1, 0.1, 0.3, 0.4, 0.9},    // reaches 0.5 only at +2: not at the best alpha
                {0.5, 0.6, 0.8, 0.9, 0.9},    // above 0.5 already at 0
                {0.0, 0.0, 0.1, 0.6, 0.2}};   // crosses at +1
        EditEffect e = EditEffect.of(ALPHAS, scores);
        assertEquals(1.0, e.bestAlpha());                     // means 0.15, 0.2, 0.35, 0.65, 0.6
        assertEquals(0.35, e.meanAtZero(), 1e-12);
        assertEquals(0.65, e.meanAtBest(), 1e-12);
        assertEquals(0.30, e.gain(), 1e-12);
        assertEquals(0.5, e.shareCrossing());
        assertEquals(0.25, e.shareAboveAtZero());
    }

    @Test
    void withoutAlphaZeroOrWithRaggedScoresItSaysWhatIsMissing() {
        assertThrows(IllegalArgumentException.class, () -> EditEffect.of(new double[]{-1, 1}, new double[][]{{0, 1}}));
        assertThrows(IllegalArgumentException.class, () -> EditEffect.of(ALPHAS, new double[][]{{0, 1}}));
        assertThrows(IllegalArgumentException.class, () -> EditEffect.of(ALPHAS, new double[0][]));
    }
}
