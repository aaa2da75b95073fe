package org.ddim4j.graph;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;

import java.util.List;

/**
 * One op of a {@link GraphPlan}: its native context with inputs and outputs bound, the parameter inputs to check
 * for replacement before each run, the scalar of a scalar op, and its per-sample contexts when it runs as one
 * product per sample ({@link PerSampleProducts}).
 */
record PlanStep(DifferentialFunction op, OpContext context, List<ParameterInput> parameters, INDArray scalar,
                long nativeHash, OpContext[] perSample) {

    /** A parameter input of a step: the index it is bound at, its variable, and the array bound (one cell). */
    record ParameterInput(int index, SDVariable variable, INDArray[] bound) {
    }

    PlanStep(DifferentialFunction op, OpContext context, List<ParameterInput> parameters, INDArray scalar) {
        this(op, context, parameters, scalar, op instanceof CustomOp c ? c.opHash() : 0,
                op instanceof DynamicCustomOp c && parameters.isEmpty() ? PerSampleProducts.split(c, context) : null);
    }

    /** A step that runs nothing: its output was bound at compile time (an alias, a view, the backprop seed). */
    static PlanStep bound(DifferentialFunction op) {
        return new PlanStep(op, null, List.of(), null, 0, null);
    }
}
