package org.ddim4j.model;

import org.ddim4j.config.DdimConfig;
import org.ddim4j.unet.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Everything a run needs to continue exactly: configuration, iteration, the run seed (every random draw of
 * iteration i is derived from (seed, i), so this is the whole RNG state), live and EMA weights, and the
 * optimiser state.
 *
 * @param elapsedSeconds training time spent up to this checkpoint
 */
public record Checkpoint(DdimConfig config, long iteration, long seed, Parameters weights, Parameters ema,
                         Map<String, INDArray> optimizerState, double elapsedSeconds) {
}
