package org.ddim4j.optim;

import org.ddim4j.config.OptimizerConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** The optimiser of a training run ({@code optimizer.name}): a step at a given learning rate, and a state to checkpoint. */
public interface TrainingOptimizer extends ParameterOptimizer {
    /** One step at this learning rate (a {@link LearningRateSchedule}'s); the gradients may be overwritten. */
    void apply(Map<String, INDArray> params, Map<String, INDArray> grads, double learningRate);

    /** The state as named arrays (always a {@code step} scalar), for checkpoints and parameter averaging. */
    Map<String, INDArray> state();

    /** Restores a state written by {@link #state()}. */
    void restore(Map<String, INDArray> state);

    /** The optimiser the config names. */
    static TrainingOptimizer from(OptimizerConfig c) {
        return switch (c.name()) {
            case ADAM -> AdamOptimizer.from(c);
            case SGD -> new SgdOptimizer(c.learningRate(), c.weightDecay());
        };
    }
}
