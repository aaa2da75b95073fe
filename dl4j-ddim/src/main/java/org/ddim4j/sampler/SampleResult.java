package org.ddim4j.sampler;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * The output of a DDIM run.
 *
 * @param sample        the final x (raw, not clamped)
 * @param timesteps     visited timesteps, in visiting (descending) order
 * @param nextTimesteps the timestep each step moves to (-1 for the last)
 * @param xs            x_t before each step and the final sample (length steps + 1; empty unless requested)
 * @param x0Predictions the predicted x0 at each step (empty unless requested)
 */
public record SampleResult(INDArray sample, int[] timesteps, int[] nextTimesteps, List<INDArray> xs,
                           List<INDArray> x0Predictions) {
    public SampleResult {
        xs = List.copyOf(xs);
        x0Predictions = List.copyOf(x0Predictions);
    }
}
