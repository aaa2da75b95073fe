package org.ddim4j.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** A first-order optimiser: one step updates each parameter that has a gradient, in place. */
public interface ParameterOptimizer {
    /** One step; an implementation may overwrite the gradient arrays (use them as scratch). */
    void apply(Map<String, INDArray> params, Map<String, INDArray> grads);
}
