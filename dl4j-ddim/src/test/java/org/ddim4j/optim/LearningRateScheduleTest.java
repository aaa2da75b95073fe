package org.ddim4j.optim;

import org.ddim4j.config.LearningRateDecay;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateScheduleTest {

    @Test
    void theSeedsConstantRateIsThePeakEverywhere() {
        LearningRateSchedule s = new LearningRateSchedule(2e-4, 0, LearningRateDecay.CONSTANT, 100);
        assertTrue(s.isConstant());
        for (long i = 1; i <= 300; i += 37) {
            assertEquals(2e-4, s.at(i), 0.0);
        }
    }

    @Test
    void warmUpRisesLinearlyToThePeak() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, LearningRateDecay.CONSTANT, 100);
        assertEquals(1e-4, s.at(1), 1e-18);
        assertEquals(5e-4, s.at(5), 1e-18);
        assertEquals(1e-3, s.at(10), 1e-18);
        assertEquals(1e-3, s.at(11), 1e-18);
    }

    @Test
    void cosineAndLinearDecayStartAtThePeakPassHalfWayAtTheMiddleAndEndJustAboveZero() {
        for (LearningRateDecay decay : new LearningRateDecay[]{LearningRateDecay.COSINE, LearningRateDecay.LINEAR}) {
            LearningRateSchedule s = new LearningRateSchedule(1e-3, 100, decay, 1100);
            assertEquals(1e-3, s.at(101), 1e-18, decay + ": first rate after the warm-up");
            // p = (i - 1 - W) / (total - W) = 0.5 at i = 601: both shapes are at half the peak there
            assertEquals(5e-4, s.at(601), 1e-15, decay + " at the middle");
            double last = s.at(1100);
            assertTrue(last > 0 && last < 1e-5, decay + ": last rate " + last);
            assertEquals(0.0, s.at(5000), 1e-18, decay + " past the end");
            for (long i = 101; i < 1100; i++) {
                assertTrue(s.at(i + 1) < s.at(i), decay + " falls at every step, " + i);
            }
        }
        // cosine stays above linear in the first half and below it in the second
        LearningRateSchedule cos = new LearningRateSchedule(1e-3, 0, LearningRateDecay.COSINE, 1000);
        LearningRateSchedule lin = new LearningRateSchedule(1e-3, 0, LearningRateDecay.LINEAR, 1000);
        assertTrue(cos.at(251) > lin.at(251));
        assertTrue(cos.at(751) < lin.at(751));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0, 0, LearningRateDecay.CONSTANT, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, -1, LearningRateDecay.COSINE, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 0, null, 10));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 0, LearningRateDecay.COSINE, 10).at(0));
    }
}
