package org.ddim4j.samples;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TimeBudgetFitTest {

    @Test
    void theRunEndsWhereTheBudgetDoesLessKidMeasurementsAndAMargin() {
        // 600 s left at 0.25 s per iteration: 2,400 iterations, 97 % of them
        assertEquals(300 + 2328, TimeBudgetFit.total(300, 0.25, 0, 0, 600));
        // a 20-second KID every 1,000 iterations adds 0.02 s to each: 0.97 x 600 / 0.27 = 2,155
        assertEquals(300 + 2155, TimeBudgetFit.total(300, 0.25, 20, 1000, 600));
        // no time left: one more iteration, so the run still ends on a decayed rate
        assertEquals(301, TimeBudgetFit.total(300, 0.25, 20, 1000, -3));
        assertThrows(IllegalArgumentException.class, () -> TimeBudgetFit.total(300, 0, 0, 0, 600));
    }
}
