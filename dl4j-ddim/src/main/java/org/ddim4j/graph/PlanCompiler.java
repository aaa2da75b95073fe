package org.ddim4j.graph;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.BaseReduceOp;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.layers.ExternalErrorsFunction;
import org.nd4j.linalg.api.ops.impl.shape.CreateView;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.GradientBackwardsMarker;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a SameDiff graph into a {@link GraphPlan}: executes the ops once in {@link OpSchedule}'s order,
 * binding each op's native context to arrays from a {@link BufferPool} (outputs) and to the parameters,
 * placeholder copies and earlier outputs it reads, and applying {@link PlanRewrites} where they fit. (Output
 * shapes of ops such as reshape depend on values computed upstream, hence the run.)
 */
final class PlanCompiler {
    private final SameDiff sd;
    private final Map<String, INDArray> placeholders;
    private final Collection<String> outputNames;
    private final Map<String, INDArray> outputArrays;
    private final Map<String, Integer> lastRead;
    private final Set<String> readInPlace;
    private final Map<String, INDArray> placeholderBuffers = new LinkedHashMap<>();
    private final BufferPool pool = new BufferPool();

    PlanCompiler(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> outputNames,
                 Map<String, INDArray> outputArrays, Map<String, Integer> lastRead) {
        this(sd, placeholders, outputNames, outputArrays, lastRead, Set.of());
    }

    /** @param readInPlace placeholders whose given arrays the plan reads as they are, instead of copies of them */
    PlanCompiler(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> outputNames,
                 Map<String, INDArray> outputArrays, Map<String, Integer> lastRead, Set<String> readInPlace) {
        this.sd = sd;
        this.placeholders = placeholders;
        this.outputNames = outputNames;
        this.outputArrays = outputArrays;
        this.lastRead = lastRead;
        this.readInPlace = readInPlace;
    }

    GraphPlan compile(List<SameDiffOp> order) {
        return compile(order, order.size(), null);
    }

    /** The plan of these ops; with a second-phase placeholder, ops from index {@code boundary} on are its second phase. */
    GraphPlan compile(List<SameDiffOp> order, int boundary, String secondPhasePlaceholder) {
        List<PlanStep> steps = new ArrayList<>(order.size());
        int secondPhaseFrom = -1;
        for (int i = 0; i < order.size(); i++) {
            if (i == boundary) {
                secondPhaseFrom = steps.size();
            }
            PlanStep step = compileStep(order.get(i), i);
            if (step.context() != null) {
                steps.add(step);
            }
        }
        if (secondPhaseFrom < 0) {
            secondPhaseFrom = steps.size();
        }
        Map<String, INDArray> outs = new LinkedHashMap<>();
        List<GraphPlan.OutputCopy> copies = new ArrayList<>();
        for (String name : outputNames) {
            INDArray computed = input(sd.getVariable(name));
            INDArray given = outputArrays.get(name);
            if (given != null && computed != given) {
                checkFits(name, given, computed.shape(), computed.dataType());
                copies.add(new GraphPlan.OutputCopy(computed, given));
                given.assign(computed);
            }
            outs.put(name, given != null ? given : computed);
        }
        Set<String> unused = new HashSet<>(placeholders.keySet());
        unused.removeAll(placeholderBuffers.keySet());
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("placeholders " + unused + " are not used by outputs " + outputNames);
        }
        return new GraphPlan(placeholderBuffers, readInPlace, steps, Collections.unmodifiableMap(outs), pool.bytes(),
                copies, secondPhasePlaceholder, secondPhaseFrom);
    }

    private PlanStep compileStep(SameDiffOp sdo, int index) {
        DifferentialFunction df = sdo.getOp();
        if (df instanceof CreateView || df instanceof ExternalErrorsFunction
                || !(df instanceof CustomOp || df instanceof Op)) {
            throw new UnsupportedOperationException("op '" + sdo.getName() + "' (" + df.getClass().getSimpleName()
                    + ") cannot be planned: control flow, views and tensor arrays need SameDiff's session");
        }
        String[] argNames = df.argNames();
        int zero = OpSchedule.zeroTerm(sd, sdo);
        if (zero >= 0) {
            PlanStep sum = PlanRewrites.sumWithZeros(this, sdo, argNames, zero, index);
            if (sum != null) {
                return sum;
            }
        }
        INDArray[] args = new INDArray[argNames == null ? 0 : argNames.length];
        List<PlanStep.ParameterInput> params = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            SDVariable v = sd.getVariable(argNames[i]);
            args[i] = input(v);
            if (v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT) {
                params.add(new PlanStep.ParameterInput(i, v, new INDArray[]{args[i]}));
            }
        }
        List<String> outNames = sdo.getOutputsOfOp();
        if (df instanceof GradientBackwardsMarker) {
            pool.define(outNames.get(0), Nd4j.scalar(DataType.FLOAT, 1.0f));
            return PlanStep.bound(df);
        }
        PlanStep rewritten = PlanRewrites.aliasOutputs(this, df, args, argNames, outNames, index);
        if (rewritten == null) {
            rewritten = PlanRewrites.oneFactorGradient(this, df, args, argNames, outNames, params, index);
        }
        if (rewritten == null) {
            rewritten = PlanRewrites.convolutionInputGradient(this, df, args, argNames, outNames, params, index);
        }
        if (rewritten != null) {
            return rewritten;
        }
        OpContext oc = Nd4j.getExecutioner().buildContext();
        INDArray scalar = null;
        DifferentialFunction runAs = df;
        if (df instanceof DynamicCustomOp c) {
            if (PlanRewrites.LIBND4J_KERNEL_OPS.contains(c.opName())) {
                oc.allowHelpers(false);
            }
            oc.setArgs(args, c.iArgs(), c.dArgs(), c.tArgs(), c.bArgs());
            List<LongShapeDescriptor> shapes = c.calculateOutputShape(oc);
            PlanStep view = PlanRewrites.reshapeAsView(this, df, argNames, args, shapes.get(0), outNames, index);
            if (view != null) {
                return view;
            }
            if (shapes == null || shapes.size() != outNames.size()) {
                throw new IllegalStateException("op '" + sdo.getName() + "' reported " + (shapes == null ? 0 : shapes.size())
                        + " output shapes for " + outNames.size() + " outputs");
            }
            for (int i = 0; i < shapes.size(); i++) {
                oc.setOutputArray(i, allocate(outNames.get(i), shapes.get(i)));
            }
        } else if (df instanceof Tanh) {
            runAs = PlanRewrites.declarableTanh(this, oc, args[0], outNames.get(0));
        } else {
            params.removeIf(p -> p.index() > 1);
            boolean axisArg = parameterizeLegacy((Op) df, args);
            if (df instanceof ScalarOp && args.length == 2) {
                scalar = args[1];
            }
            oc.setInputArray(0, args[0]);
            if (args.length == 2 && !axisArg) {
                oc.setInputArray(1, args[1]);
            } else {
                params.removeIf(p -> p.index() == 1);
            }
            List<LongShapeDescriptor> shapes = ((BaseOp) df).calculateOutputShape(oc);
            INDArray out = allocate(outNames.get(0), shapes.get(0));
            oc.setOutputArray(0, out);
            runAs = PlanRewrites.pixelMeanAsPooling(df, args[0], out, oc);
        }
        PlanStep step = new PlanStep(runAs, oc, params, scalar);
        GraphPlan.execute(step);
        for (String out : outNames) {
            if (!isRead(out)) {
                pool.forget(out);
            }
        }
        release(argNames, index);
        return step;
    }

    SameDiff sameDiff() {
        return sd;
    }

    BufferPool pool() {
        return pool;
    }

    /** True if some later op (or the plan's caller) reads this output. */
    boolean isRead(String name) {
        return lastRead.containsKey(name);
    }

    /**
     * True for an op's output or a placeholder. (An identity of a parameter stays an op, a copy: the
     * parameter's array may be replaced between runs, which a step's input follows and an alias would not.)
     */
    boolean isComputedOrPlaceholder(String name) {
        VariableType kind = sd.getVariable(name).getVariableType();
        return kind == VariableType.ARRAY || kind == VariableType.PLACEHOLDER;
    }

    /**
     * The array an op reads for {@code v}: the parameter itself, the plan's placeholder copy (or the given array, for
     * a placeholder read in place), or an earlier output.
     */
    INDArray input(SDVariable v) {
        String name = v.name();
        return switch (v.getVariableType()) {
            case VARIABLE, CONSTANT -> {
                INDArray a = v.getArr();
                if (a == null) {
                    throw new IllegalStateException("variable '" + name + "' has no array");
                }
                yield a;
            }
            case PLACEHOLDER -> placeholderBuffers.computeIfAbsent(name, n -> {
                INDArray given = placeholders.get(n);
                if (given == null) {
                    throw new IllegalArgumentException("placeholder '" + n + "' is needed but was not given");
                }
                if (readInPlace.contains(n)) {
                    if (given.dataType() != v.dataType() || given.ordering() != 'c' || given.isView()) {
                        throw new IllegalArgumentException("placeholder '" + n + "' is read in place: it must be a "
                                + v.dataType() + " array of its own in c order, got " + given.dataType() + ", order "
                                + given.ordering() + (given.isView() ? ", a view" : ""));
                    }
                    return given;
                }
                return pool.own(Nd4j.createUninitialized(v.dataType(), given.shape(), 'c').assign(given));
            });
            default -> pool.value(name);
        };
    }

    /** An output array: the caller's array for that output, else a view of a slab of the pool. */
    INDArray allocate(String name, LongShapeDescriptor descriptor) {
        DataType type = sd.getVariable(name).dataType();
        long[] shape = descriptor.getShape();
        INDArray given = outputArrays.get(name);
        if (given != null) {
            checkFits(name, given, shape, type);
            pool.define(name, given);        // not a slab: never reused
            return given;
        }
        return pool.allocate(name, type, shape);
    }

    /** Drops the inputs whose last reader is this op; a buffer is free once no live name refers to it. */
    void release(String[] argNames, int index) {
        if (argNames == null) {
            return;
        }
        for (String name : new HashSet<>(Arrays.asList(argNames))) {
            Integer last = lastRead.get(name);
            if (last != null && last == index) {
                pool.forget(name);
            }
        }
    }

    /** Legacy ops take a reduction axis or a scalar as a second input; returns true if it was an axis. */
    private static boolean parameterizeLegacy(Op op, INDArray[] args) {
        if (op instanceof ReduceOp r && r.getOpType() != Op.Type.REDUCE3 && args.length == 2) {
            if (args[1].isEmpty()) {
                throw new UnsupportedOperationException("reduction over an empty axis list is not planned");
            }
            ((DifferentialFunction) op).setDimensions(Shape.normalizeAxis(args[0].rank(), args[1].toIntVector()));
            ((BaseReduceOp) op).setEmptyReduce(false);
            return true;
        }
        if (op instanceof ScalarOp s && args.length == 2) {
            s.setScalar(args[1]);
        }
        return false;
    }

    private static void checkFits(String name, INDArray given, long[] shape, DataType type) {
        if (!Arrays.equals(given.shape(), shape) || given.dataType() != type) {
            throw new IllegalArgumentException("the array given for output '" + name + "' is " + given.dataType() + " "
                    + Arrays.toString(given.shape()) + "; the output is " + type + " " + Arrays.toString(shape));
        }
    }
}
