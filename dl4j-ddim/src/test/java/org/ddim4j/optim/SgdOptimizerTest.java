package org.ddim4j.optim;

import org.ddim4j.config.OptimizerConfig;
import org.ddim4j.config.OptimizerName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SgdOptimizerTest {
    @Test
    void aStepIsMinusTheLearningRateTimesTheGradientPlusDecay() {
        var p = Nd4j.createFromArray(1f, -2f, 0.5f);
        var g = Nd4j.createFromArray(0.25f, 1f, -4f);
        SgdOptimizer sgd = new SgdOptimizer(0.1, 0.5);
        sgd.apply(Map.of("p", p), Map.of("p", g), 0.2);
        // g + 0.5 p = (0.75, 0, -3.75); p - 0.2 (...) = (0.85, -2, 1.25)
        assertArrayEquals(new float[]{0.85f, -2f, 1.25f}, p.toFloatVector(), 1e-6f);
        assertEquals(1, sgd.state().get("step").getLong(0));
        SgdOptimizer restored = new SgdOptimizer(0.1, 0);
        restored.restore(sgd.state());
        assertEquals(1, restored.state().get("step").getLong(0));
    }

    @Test
    void theConfigChoosesIt() {
        assertInstanceOf(SgdOptimizer.class, TrainingOptimizer.from(new OptimizerConfig(OptimizerName.SGD, 0.1, 0, 0.9, 0.999, false, 1e-8, 0)));
        assertInstanceOf(AdamOptimizer.class, TrainingOptimizer.from(new OptimizerConfig(OptimizerName.ADAM, 0.1, 0, 0.9, 0.999, false, 1e-8, 0)));
        assertThrows(IllegalArgumentException.class, () -> new SgdOptimizer(0, 0));
    }
}
