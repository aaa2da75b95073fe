package org.ddim4j.unet;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
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
import org.nd4j.linalg.api.ops.impl.layers.convolution.AvgPooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Mean;
import org.nd4j.linalg.api.ops.impl.shape.CreateView;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;
import org.nd4j.linalg.api.ops.impl.shape.ZerosLike;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.GradientBackwardsMarker;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A SameDiff graph compiled for fixed placeholder shapes: the ops that the requested outputs need, in one
 * topological order, each with its native op context built once, its input arrays bound and its output arrays
 * allocated once. Running the plan is then one native call per op, with nothing allocated and no session
 * bookkeeping; SameDiff M2.1's session spends about 0.07 ms of Java per op and allocates every output anew.
 *
 * <p>Buffers are shared by liveness: an op's output is a view of a free slab (of its data type, holding it with
 * at most half of the slab unused) whose last reader has already run, so a plan holds about as much memory as
 * the live set at its widest point, not every intermediate (a gradient execution in SameDiff keeps them all).
 * Identity ops (also stop-gradient and {@link GroupNormGradient}) alias their input, as in SameDiff, reshapes
 * of computed arrays are views of them, a sum with a {@code zeroslike} (SameDiff adds a stop-gradient's zero
 * gradient to the other gradients of its input) is the other term, and the gradients of a sum of two arrays of
 * one shape are both the sum's gradient ({@code add_bp} copies it twice).
 *
 * <p>Products and concatenations run on libnd4j's own kernels (see {@link #LIBND4J_KERNEL_OPS}) except large
 * batched products, which run one sample at a time on oneDNN ({@link PerSampleProducts}); SameDiff's
 * legacy tanh as libnd4j's declarable tanh and a mean over the pixels of [B, H, W, C] as an average pooling
 * (both on oneDNN), so a plan's results differ from SameDiff's session in the last bits; they are the same
 * from run to run. Gradients are SameDiff's own ops. Custom ops are run through libnd4j's entry point directly,
 * not ND4J's executioner: ND4J's op profiler does not see them.
 *
 * <p>Compiling runs the graph once (output shapes of ops such as reshape depend on values computed upstream);
 * the plan is valid for those placeholder shapes only, and {@link #run} refuses others. Graphs whose shapes
 * depend on placeholder values, control flow and tensor arrays are not supported (the U-Net has none).
 * Parameters are read by reference: updates in place are seen, and a parameter array replaced with
 * {@code setArray} is rebound on the next run.
 *
 * <p>Not thread-safe. The arrays {@link #run} returns belong to the plan and are overwritten by its next run.
 */
public final class GraphPlan {
    /**
     * Ops run with libnd4j's own kernels rather than its oneDNN helpers: oneDNN builds its primitive and reorders
     * the weights on every call, which for the U-Net's products costs more than the product (per-op profile of
     * the small network: matmul 123 -> 63 us per op at batch 1, all 98 products 48 -> 30 ms at batch 16;
     * concat and xw_plus_b gain too). Convolutions, pooling and softmax keep oneDNN, several times faster there.
     */
    static final Set<String> LIBND4J_KERNEL_OPS = Set.of("matmul", "matmul_bp", "xw_plus_b", "xw_plus_b_bp",
            "concat", "concat_bp");
    /** libnd4j's declarable tanh, which runs on oneDNN (SameDiff's {@link Tanh} is a legacy scalar loop). */
    private static final DynamicCustomOp DECLARABLE_TANH = DynamicCustomOp.builder("tanh").build();
    private static final NativeOps NATIVE_OPS = NativeOpsHolder.getInstance().getDeviceNativeOps();
    private final Map<String, INDArray> placeholderBuffers;
    private final List<Step> steps;
    private final Map<String, INDArray> outputs;
    private final long bytes;
    private final List<Copy> copies;

    /** One op: its context with inputs and outputs bound, and the parameter inputs to check for replacement. */
    private record Step(DifferentialFunction op, OpContext context, List<ParameterInput> parameters, INDArray scalar,
                        long nativeHash, OpContext[] perSample) {
        Step(DifferentialFunction op, OpContext context, List<ParameterInput> parameters, INDArray scalar) {
            this(op, context, parameters, scalar, op instanceof CustomOp c ? c.opHash() : 0,
                    op instanceof DynamicCustomOp c && parameters.isEmpty() ? PerSampleProducts.split(c, context) : null);
        }

        /** A step that runs nothing: its output was bound at compile time (identity, the backprop seed). */
        static Step bound(DifferentialFunction op) {
            return new Step(op, null, List.of(), null, 0, null);
        }
    }

    private record ParameterInput(int index, SDVariable variable, INDArray[] bound) {
    }

    /** An output given an array of its own that its op could not write directly (an alias or a view). */
    private record Copy(INDArray from, INDArray to) {
    }

    private GraphPlan(Map<String, INDArray> placeholderBuffers, List<Step> steps,
                      Map<String, INDArray> outputs, long bytes, List<Copy> copies) {
        this.placeholderBuffers = placeholderBuffers;
        this.steps = steps;
        this.outputs = outputs;
        this.bytes = bytes;
        this.copies = copies;
    }

    /**
     * Compiles {@code sd} for the shapes of {@code placeholders} (which must name every placeholder the
     * outputs need) and runs it once.
     */
    public static GraphPlan compile(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> outputNames) {
        return compile(sd, placeholders, outputNames, Map.of());
    }

    /**
     * As {@link #compile(SameDiff, Map, Collection)}, with some outputs written into the caller's arrays
     * ({@code outputArrays} by output name, each of the output's shape and type, e.g. views of one vector of
     * gradients): the op computing such an output writes it there, or it is copied there at the end of a run.
     */
    public static GraphPlan compile(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> outputNames,
                                    Map<String, INDArray> outputArrays) {
        if (!outputNames.containsAll(outputArrays.keySet())) {
            throw new IllegalArgumentException("arrays given for " + outputArrays.keySet() + ", which are not all among the outputs "
                    + outputNames);
        }
        if (outputNames.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one output");
        }
        for (String name : outputNames) {
            if (!sd.hasVariable(name)) {
                throw new IllegalArgumentException("the graph has no variable '" + name + "'");
            }
        }
        List<SameDiffOp> order = requiredOpsInOrder(sd, outputNames);
        Map<String, Integer> lastRead = lastReaders(sd, order, outputNames);
        return SingleThreadedBlas.during(() -> new Compiler(sd, placeholders, outputNames, outputArrays, lastRead)
                .compile(order));
    }

    /** Runs the plan: copies the placeholders in, executes every op, returns the outputs (owned by the plan). */
    public Map<String, INDArray> run(Map<String, INDArray> placeholders) {
        return SingleThreadedBlas.during(() -> runOps(placeholders));
    }

    private Map<String, INDArray> runOps(Map<String, INDArray> placeholders) {
        if (!placeholders.keySet().equals(placeholderBuffers.keySet())) {
            throw new IllegalArgumentException("the plan takes placeholders " + placeholderBuffers.keySet()
                    + ", got " + placeholders.keySet());
        }
        for (Map.Entry<String, INDArray> e : placeholderBuffers.entrySet()) {
            INDArray given = placeholders.get(e.getKey());
            if (!Arrays.equals(given.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("placeholder '" + e.getKey() + "' must have shape "
                        + Arrays.toString(e.getValue().shape()) + " (the shape this plan was compiled for), got "
                        + Arrays.toString(given.shape()));
            }
            e.getValue().assign(given);
        }
        for (Step s : steps) {
            for (ParameterInput p : s.parameters()) {
                INDArray current = p.variable().getArr();
                if (current != p.bound()[0]) {
                    if (!Arrays.equals(current.shape(), p.bound()[0].shape())) {
                        throw new IllegalStateException("parameter '" + p.variable().name() + "' was replaced by an array of shape "
                                + Arrays.toString(current.shape()) + "; the plan was compiled for "
                                + Arrays.toString(p.bound()[0].shape()));
                    }
                    s.context().setInputArray(p.index(), current);
                    p.bound()[0] = current;
                }
            }
            execute(s);
        }
        for (Copy c : copies) {
            c.to().assign(c.from());
        }
        return outputs;
    }

    /** The outputs of the latest run (or of the run compiling the plan), owned by the plan. */
    public Map<String, INDArray> outputs() {
        return outputs;
    }

    /** The number of native ops one run executes (identities and reshapes of computed arrays are views). */
    public int opCount() {
        return steps.size();
    }

    /** The names of the native ops one run executes, in order. */
    List<String> opNames() {
        return steps.stream().map(s -> s.op().opName()).toList();
    }

    /** The number of ops run as one product per sample ({@link PerSampleProducts}). */
    int perSampleOps() {
        return (int) steps.stream().filter(s -> s.perSample() != null).count();
    }

    /** Bytes of the arrays the plan owns (placeholder copies and the shared intermediate buffers). */
    public long ownedBytes() {
        return bytes;
    }

    private static void execute(Step s) {
        if (s.context() == null) {
            return;
        }
        if (s.perSample() != null) {
            for (OpContext sample : s.perSample()) {
                executeCustom(s, sample);
            }
        } else if (s.op() instanceof CustomOp) {
            executeCustom(s, s.context());
        } else {
            if (s.scalar() != null) {
                // the op object is shared with SameDiff's own sessions, which may have set another array
                ((ScalarOp) s.op()).setScalar(s.scalar());
            }
            Nd4j.exec((Op) s.op(), s.context());
        }
    }

    private static void executeCustom(Step s, OpContext context) {
        // libnd4j's entry point itself: ND4J's executioner adds profiling hooks, a JNI call asking whether oneDNN
        // is on, a map of per-op overrides and a list of the outputs around it, for each of the thousands of
        // calls of a training step
        int status = NATIVE_OPS.execCustomOp2(null, s.nativeHash(), context.contextPointer());
        if (status != 0) {
            throw new IllegalStateException("op '" + s.op().getOwnName() + "' (" + s.op().opName() + ") failed: "
                    + NATIVE_OPS.lastErrorMessage());
        }
    }

    /** The ops the outputs depend on, each after the ops producing its inputs (ties: the graph's own order). */
    private static List<SameDiffOp> requiredOpsInOrder(SameDiff sd, Collection<String> outputNames) {
        Map<String, SameDiffOp> ops = sd.getOps();
        Map<String, Variable> vars = sd.getVariables();
        Set<String> required = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(outputNames);
        while (!pending.isEmpty()) {
            Variable v = vars.get(pending.pop());
            String producer = v.getOutputOfOp();
            if (producer == null || !required.add(producer)) {
                continue;
            }
            SameDiffOp op = ops.get(producer);
            if (op.getInputsToOp() != null) {
                pending.addAll(op.getInputsToOp());
                int zero = zeroTerm(sd, op);
                if (zero >= 0) {            // the zeros are not computed; their shape is read from their source
                    pending.remove(op.getInputsToOp().get(zero));
                    pending.addAll(ops.get(vars.get(op.getInputsToOp().get(zero)).getOutputOfOp()).getInputsToOp());
                }
            }
            if (op.getControlDeps() != null) {
                for (String dep : op.getControlDeps()) {
                    pending.addAll(ops.get(dep).getOutputsOfOp());
                }
            }
        }
        List<SameDiffOp> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Set<String> available = new HashSet<>();
        List<SameDiffOp> remaining = new ArrayList<>();
        for (SameDiffOp op : ops.values()) {
            if (required.contains(op.getName())) {
                remaining.add(op);
            }
        }
        while (!remaining.isEmpty()) {
            List<SameDiffOp> next = new ArrayList<>();
            for (SameDiffOp op : remaining) {
                if (ready(sd, op, vars, available, done)) {
                    order.add(op);
                    done.add(op.getName());
                    available.addAll(op.getOutputsOfOp());
                } else {
                    next.add(op);
                }
            }
            if (next.size() == remaining.size()) {
                throw new IllegalArgumentException("the graph has a cycle or control flow among ops "
                        + next.stream().limit(5).map(SameDiffOp::getName).toList());
            }
            remaining = next;
        }
        return order;
    }

    private static boolean ready(SameDiff sd, SameDiffOp op, Map<String, Variable> vars, Set<String> available,
                                 Set<String> done) {
        if (op.getInputsToOp() != null) {
            int zero = zeroTerm(sd, op);
            for (int i = 0; i < op.getInputsToOp().size(); i++) {
                String in = op.getInputsToOp().get(i);
                if (i == zero) {
                    in = zerosSource(sd, in);
                }
                if (vars.get(in).getOutputOfOp() != null && !available.contains(in)) {
                    return false;
                }
            }
        }
        if (op.getControlDeps() != null) {
            for (String dep : op.getControlDeps()) {
                if (!done.contains(dep)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** For each op output: the index of the last op reading it (outputs of the plan: past the end). */
    private static Map<String, Integer> lastReaders(SameDiff sd, List<SameDiffOp> order, Collection<String> outputNames) {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            SameDiffOp op = order.get(i);
            List<String> inputs = op.getInputsToOp();
            if (inputs != null) {
                int zero = zeroTerm(sd, op);
                for (int k = 0; k < inputs.size(); k++) {
                    if (k != zero && sd.getVariables().get(inputs.get(k)).getOutputOfOp() != null
                            && !readsOnlyTheShape(op.getOp(), k)) {
                        last.put(inputs.get(k), i);
                    }
                }
            }
        }
        for (String out : outputNames) {
            last.put(out, Integer.MAX_VALUE);
        }
        return last;
    }

    /**
     * For a sum of two arrays one of which is a {@code zeroslike} output, the index of that input; else -1.
     * (SameDiff's gradient of a stop-gradient is zeros, added to the other gradients of the stop-gradient's input.)
     */
    static int zeroTerm(SameDiff sd, SameDiffOp op) {
        List<String> inputs = op.getInputsToOp();
        if (!(op.getOp() instanceof AddOp) || inputs == null || inputs.size() != 2) {
            return -1;
        }
        for (int i = 0; i < 2; i++) {
            String producer = sd.getVariables().get(inputs.get(i)).getOutputOfOp();
            if (producer != null && sd.getOps().get(producer).getOp() instanceof ZerosLike) {
                return i;
            }
        }
        return -1;
    }

    /** The variable a {@code zeroslike} output takes its shape from. */
    private static String zerosSource(SameDiff sd, String zeros) {
        return sd.getOps().get(sd.getVariables().get(zeros).getOutputOfOp()).getInputsToOp().get(0);
    }

    /**
     * True if libnd4j's op reads only the shape of its input {@code index}: gradients of broadcasting sums and
     * differences, of means and of concatenations, and {@code shape_of}. Such a read does not keep the array
     * alive: the op is bound to the array's last view, whose buffer may by then hold another value. (In a U-Net
     * training step these reads kept about a quarter of the forward activations until the backward pass.)
     */
    static boolean readsOnlyTheShape(DifferentialFunction op, int index) {
        if (!(op instanceof DynamicCustomOp c)) {
            return false;
        }
        return switch (c.opName()) {
            case "add_bp", "subtract_bp" -> index < 2;           // (x, y, gradient of the output)
            case "reduce_mean_bp", "shape_of" -> index == 0;     // (x, gradient) and (x)
            case "concat_bp" -> index < c.getNumOutputs();       // (inputs..., gradient of the output[, axis])
            default -> false;
        };
    }

    /** Executes the ops once in order, assigning buffers by liveness and recording each op's bound context. */
    private static final class Compiler {
        private final SameDiff sd;
        private final Map<String, INDArray> placeholders;
        private final Collection<String> outputNames;
        private final Map<String, INDArray> outputArrays;
        private final Map<String, Integer> lastRead;
        private final Map<String, INDArray> placeholderBuffers = new LinkedHashMap<>();
        private final Map<String, INDArray> values = new HashMap<>();
        private final Map<INDArray, Integer> liveNames = new IdentityHashMap<>();
        private final Map<DataType, TreeMap<Long, Deque<INDArray>>> free = new HashMap<>();
        private final Set<INDArray> slabs = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        private final Map<INDArray, INDArray> rootOf = new IdentityHashMap<>();   // view -> the buffer it shows
        private long bytes;

        Compiler(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> outputNames,
                 Map<String, INDArray> outputArrays, Map<String, Integer> lastRead) {
            this.sd = sd;
            this.placeholders = placeholders;
            this.outputNames = outputNames;
            this.outputArrays = outputArrays;
            this.lastRead = lastRead;
        }

        GraphPlan compile(List<SameDiffOp> order) {
            List<Step> steps = new ArrayList<>(order.size());
            for (int i = 0; i < order.size(); i++) {
                Step step = compileStep(order.get(i), i);
                if (step.context() != null) {
                    steps.add(step);
                }
            }
            Map<String, INDArray> outs = new LinkedHashMap<>();
            List<Copy> copies = new ArrayList<>();
            for (String name : outputNames) {
                INDArray computed = input(sd.getVariable(name));
                INDArray given = outputArrays.get(name);
                if (given != null && computed != given) {
                    checkFits(name, given, computed.shape(), computed.dataType());
                    copies.add(new Copy(computed, given));
                    given.assign(computed);
                }
                outs.put(name, given != null ? given : computed);
            }
            Set<String> unused = new HashSet<>(placeholders.keySet());
            unused.removeAll(placeholderBuffers.keySet());
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException("placeholders " + unused + " are not used by outputs " + outputNames);
            }
            return new GraphPlan(placeholderBuffers, steps, java.util.Collections.unmodifiableMap(outs), bytes, copies);
        }

        private Step compileStep(SameDiffOp sdo, int index) {
            DifferentialFunction df = sdo.getOp();
            if (df instanceof CreateView || df instanceof ExternalErrorsFunction
                    || !(df instanceof CustomOp || df instanceof Op)) {
                throw new UnsupportedOperationException("op '" + sdo.getName() + "' (" + df.getClass().getSimpleName()
                        + ") cannot be planned: control flow, views and tensor arrays need SameDiff's session");
            }
            String[] argNames = df.argNames();
            int zero = zeroTerm(sd, sdo);
            if (zero >= 0) {
                Step sum = compileSumWithZeros(sdo, argNames, zero, index);
                if (sum != null) {
                    return sum;
                }
            }
            INDArray[] args = new INDArray[argNames == null ? 0 : argNames.length];
            List<ParameterInput> params = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                SDVariable v = sd.getVariable(argNames[i]);
                args[i] = input(v);
                if (v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT) {
                    params.add(new ParameterInput(i, v, new INDArray[]{args[i]}));
                }
            }
            List<String> outNames = sdo.getOutputsOfOp();
            if (df instanceof GradientBackwardsMarker) {
                define(outNames.get(0), Nd4j.scalar(DataType.FLOAT, 1.0f));
                return Step.bound(df);
            }
            if (isSameShapeSumGradient(df, args) && isComputedOrPlaceholder(argNames[2])) {
                define(outNames.get(0), args[2]);
                define(outNames.get(1), args[2]);
                release(argNames, index);
                return Step.bound(df);
            }
            if ((df instanceof Identity || df instanceof StopGradient || df instanceof GroupNormGradient)
                    && isComputedOrPlaceholder(argNames[0])) {
                define(outNames.get(0), args[0]);
                release(argNames, index);
                return Step.bound(df);
            }
            Step oneFactor = compileOneFactorGradient(df, args, argNames, outNames, params, index);
            if (oneFactor != null) {
                return oneFactor;
            }
            OpContext oc = Nd4j.getExecutioner().buildContext();
            INDArray scalar = null;
            DifferentialFunction runAs = df;
            if (df instanceof DynamicCustomOp c) {
                if (LIBND4J_KERNEL_OPS.contains(c.opName())) {
                    oc.allowHelpers(false);
                }
                oc.setArgs(args, c.iArgs(), c.dArgs(), c.tArgs(), c.bArgs());
                List<LongShapeDescriptor> shapes = c.calculateOutputShape(oc);
                INDArray view = df instanceof Reshape ? reshapedView(argNames[0], args[0], shapes.get(0)) : null;
                if (view != null) {
                    define(outNames.get(0), view);
                    release(argNames, index);
                    return Step.bound(df);
                }
                if (shapes == null || shapes.size() != outNames.size()) {
                    throw new IllegalStateException("op '" + sdo.getName() + "' reported " + (shapes == null ? 0 : shapes.size())
                            + " output shapes for " + outNames.size() + " outputs");
                }
                for (int i = 0; i < shapes.size(); i++) {
                    oc.setOutputArray(i, allocate(outNames.get(i), shapes.get(i)));
                }
            } else if (df instanceof Tanh) {
                // SameDiff's tanh is a legacy transform (a scalar tanhf loop); the declarable op of the same
                // name runs on oneDNN where the natives have it: 4.4 against 59.7 ms per 8 M floats
                oc.setInputArray(0, args[0]);
                oc.setOutputArray(0, allocate(outNames.get(0), LongShapeDescriptor.fromShape(args[0].shape(), args[0].dataType())));
                runAs = DECLARABLE_TANH;
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
                if (df instanceof Mean && isPixelMean((Mean) df, args[0])) {
                    // the mean over the pixels of [B, H, W, C] as an average pooling over the whole map, which
                    // oneDNN runs 1.5-4x faster than libnd4j's reduction over axes 1 and 2
                    long[] s = args[0].shape();
                    INDArray pooled = out.reshape('c', s[0], 1, 1, s[3]);
                    runAs = new AvgPooling2D(args[0], pooled, Pooling2DConfig.builder().kH(s[1]).kW(s[2]).sH(1).sW(1)
                            .pH(0).pW(0).dH(1).dW(1).paddingMode(PaddingMode.VALID).isNHWC(true).build());
                    oc.setIArguments(((DynamicCustomOp) runAs).iArgs());
                    oc.setOutputArray(0, pooled);
                }
            }
            Step step = new Step(runAs, oc, params, scalar);
            execute(step);
            for (String out : outNames) {
                if (!lastRead.containsKey(out)) {
                    forget(out);
                }
            }
            release(argNames, index);
            return step;
        }

        /**
         * The gradient of a product whose other factor's gradient no op reads (a dropout mask's, a constant
         * interpolation matrix's) as one product: {@code multiply_bp}(x, y, g) of one shape gives g y and g x,
         * {@code matmul_bp}(a, b, g) of c = a b gives g b^T and a^T g, each as large as the product; null for other
         * ops, or when both gradients are read.
         */
        private Step compileOneFactorGradient(DifferentialFunction df, INDArray[] args, String[] argNames,
                                              List<String> outNames, List<ParameterInput> params, int index) {
            if (!(df instanceof DynamicCustomOp c) || outNames.size() != 2 || args.length != 3) {
                return null;
            }
            boolean[] read = {lastRead.containsKey(outNames.get(0)), lastRead.containsKey(outNames.get(1))};
            if (read[0] == read[1]) {
                return null;
            }
            int wanted = read[0] ? 0 : 1;
            INDArray g = args[2];
            INDArray[] inputs;
            int[] transposes;
            if (c.opName().equals("multiply_bp") && Arrays.equals(args[0].shape(), g.shape())
                    && Arrays.equals(args[1].shape(), g.shape()) && args[0].dataType() == g.dataType()
                    && args[1].dataType() == g.dataType()) {
                inputs = new INDArray[]{g, args[1 - wanted]};                     // d/dx = g y, d/dy = g x
                transposes = null;
            } else if (c.opName().equals("matmul_bp") && Arrays.stream(c.iArgs()).allMatch(t -> t == 0)
                    && c.tArgs().length == 0 && args[0].rank() == 2 && args[1].rank() == 2) {
                inputs = wanted == 0 ? new INDArray[]{g, args[1]} : new INDArray[]{args[0], g};
                transposes = wanted == 0 ? new int[]{0, 1, 0} : new int[]{1, 0, 0};   // g b^T, a^T g
            } else {
                return null;
            }
            DynamicCustomOp product = DynamicCustomOp.builder(transposes == null ? "multiply" : "matmul")
                    .addIntegerArguments(transposes == null ? new int[0] : transposes).build();
            OpContext oc = Nd4j.getExecutioner().buildContext();
            oc.allowHelpers(transposes == null);
            oc.setArgs(inputs, product.iArgs(), null, null, null);
            INDArray out = allocate(outNames.get(wanted), LongShapeDescriptor.fromShape(args[wanted].shape(),
                    args[wanted].dataType()));
            oc.setOutputArray(0, out);
            // parameter inputs keep following replaced arrays: their index in the product's inputs
            List<ParameterInput> moved = new ArrayList<>();
            for (ParameterInput p : params) {
                for (int i = 0; i < inputs.length; i++) {
                    if (inputs[i] == args[p.index()] && p.index() != 2) {
                        moved.add(new ParameterInput(i, p.variable(), p.bound()));
                    }
                }
            }
            Step step = new Step(product, oc, moved, null);
            execute(step);
            forget(outNames.get(1 - wanted));
            release(argNames, index);
            return step;
        }

        /**
         * x + zeros: the output is x itself when the zeros have x's shape (as SameDiff's sums of gradients do) and
         * x is computed or a placeholder; otherwise (a broadcast, a parameter) null, and the sum is computed with
         * zeros the plan owns.
         */
        private Step compileSumWithZeros(SameDiffOp sdo, String[] argNames, int zero, int index) {
            String kept = argNames[1 - zero];
            INDArray x = input(sd.getVariable(kept));
            INDArray source = input(sd.getVariable(zerosSource(sd, argNames[zero])));
            if (!Arrays.equals(x.shape(), source.shape()) || x.dataType() != sd.getVariable(argNames[zero]).dataType()
                    || !isComputedOrPlaceholder(kept)) {
                INDArray zeros = Nd4j.zeros(sd.getVariable(argNames[zero]).dataType(), source.shape());
                bytes += zeros.length() * zeros.dataType().width();
                values.put(argNames[zero], zeros);
                return null;
            }
            define(sdo.getOutputsOfOp().get(0), x);
            release(argNames, index);
            return Step.bound(sdo.getOp());
        }

        /**
         * True for an op's output or a placeholder. (An identity of a parameter stays an op, a copy: the
         * parameter's array may be replaced between runs, which a step's input follows and an alias would not.)
         */
        private boolean isComputedOrPlaceholder(String name) {
            VariableType kind = sd.getVariable(name).getVariableType();
            return kind == VariableType.ARRAY || kind == VariableType.PLACEHOLDER;
        }

        /** {@code add_bp}(x, y, gradient) with x, y and the gradient of one shape and type: no broadcast to undo. */
        private static boolean isSameShapeSumGradient(DifferentialFunction df, INDArray[] args) {
            return df instanceof AddBpOp && args.length == 3
                    && Arrays.equals(args[0].shape(), args[2].shape()) && Arrays.equals(args[1].shape(), args[2].shape())
                    && args[0].dataType() == args[2].dataType() && args[1].dataType() == args[2].dataType();
        }

        /** A float mean over axes 1 and 2 (and only those) of a contiguous c-ordered rank-4 array. */
        private static boolean isPixelMean(Mean mean, INDArray in) {
            int[] dims = mean.getDimensions() == null ? null : mean.getDimensions().clone();
            if (dims == null || in.rank() != 4 || in.ordering() != 'c' || !Shape.hasDefaultStridesForShape(in)
                    || !in.dataType().isFPType()) {
                return false;
            }
            Arrays.sort(dims);
            return Arrays.equals(dims, new int[]{1, 2});
        }

        /** Legacy ops take a reduction axis or a scalar as a second input; returns true if it was an axis. */
        private boolean parameterizeLegacy(Op op, INDArray[] args) {
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

        private INDArray input(SDVariable v) {
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
                    INDArray copy = Nd4j.createUninitialized(v.dataType(), given.shape(), 'c').assign(given);
                    bytes += copy.length() * copy.dataType().width();
                    return copy;
                });
                default -> value(name);
            };
        }

        private INDArray value(String name) {
            INDArray a = values.get(name);
            if (a == null) {
                throw new IllegalStateException("variable '" + name + "' was read before it was computed");
            }
            return a;
        }

        /**
         * An output array: a view of the smallest free slab of its type that holds it without wasting more than
         * half of the slab, else of a new slab.
         */
        private INDArray allocate(String name, LongShapeDescriptor descriptor) {
            DataType type = sd.getVariable(name).dataType();
            long[] shape = descriptor.getShape();
            INDArray given = outputArrays.get(name);
            if (given != null) {
                checkFits(name, given, shape, type);
                define(name, given);        // not a slab: never reused
                return given;
            }
            long length = Math.max(1, ArrayUtil.prodLong(shape));
            TreeMap<Long, Deque<INDArray>> pool = free.computeIfAbsent(type, k -> new TreeMap<>());
            Map.Entry<Long, Deque<INDArray>> fit = pool.ceilingEntry(length);
            INDArray slab;
            if (fit != null && fit.getKey() <= 2 * length) {
                slab = fit.getValue().pop();
                if (fit.getValue().isEmpty()) {
                    pool.remove(fit.getKey());
                }
            } else {
                slab = Nd4j.createUninitialized(type, length);
                bytes += length * type.width();
            }
            slabs.add(slab);
            INDArray a = shape.length == 1 && shape[0] == slab.length() ? slab
                    : Nd4j.create(slab.data(), shape, Nd4j.getStrides(shape, 'c'), 0, 'c', type);
            rootOf.put(a, slab);
            define(name, a);
            return a;
        }

        /**
         * A reshape of an op's output or a placeholder copy is a view of the same buffer, as in PyTorch: no copy and
         * no native call. (A parameter's reshape stays an op: the parameter may be replaced between runs.)
         */
        private INDArray reshapedView(String inputName, INDArray in, LongShapeDescriptor shape) {
            VariableType kind = sd.getVariable(inputName).getVariableType();
            if (kind != VariableType.ARRAY && kind != VariableType.PLACEHOLDER || in.ordering() != 'c'
                    || !Shape.hasDefaultStridesForShape(in) || in.offset() != 0 || in.dataType() != shape.dataType()) {
                return null;
            }
            INDArray view = Nd4j.create(in.data(), shape.getShape(), Nd4j.getStrides(shape.getShape(), 'c'), 0, 'c',
                    in.dataType());
            rootOf.put(view, root(in));
            return view;
        }

        private static void checkFits(String name, INDArray given, long[] shape, DataType type) {
            if (!Arrays.equals(given.shape(), shape) || given.dataType() != type) {
                throw new IllegalArgumentException("the array given for output '" + name + "' is " + given.dataType() + " "
                        + Arrays.toString(given.shape()) + "; the output is " + type + " " + Arrays.toString(shape));
            }
        }

        private INDArray root(INDArray a) {
            return rootOf.getOrDefault(a, a);
        }

        private void define(String name, INDArray a) {
            values.put(name, a);
            liveNames.merge(root(a), 1, Integer::sum);
        }

        /** Drops the inputs whose last reader is this op; a buffer is free once no live name refers to it. */
        private void release(String[] argNames, int index) {
            if (argNames == null) {
                return;
            }
            for (String name : new HashSet<>(Arrays.asList(argNames))) {
                Integer last = lastRead.get(name);
                if (last != null && last == index) {
                    forget(name);
                }
            }
        }

        /** A name is dead; its buffer is free once no live name (views and identities included) refers to it. */
        private void forget(String name) {
            INDArray a = values.get(name);
            INDArray slab = a == null ? null : root(a);
            if (slab == null || !liveNames.containsKey(slab)) {
                return;
            }
            int left = liveNames.merge(slab, -1, Integer::sum);
            if (left == 0) {
                liveNames.remove(slab);
                if (!slabs.contains(slab)) {
                    return; // placeholder copies and parameters (aliased by an identity) are never reused
                }
                free.computeIfAbsent(slab.dataType(), k -> new TreeMap<>())
                        .computeIfAbsent(slab.length(), k -> new ArrayDeque<>()).push(slab);
            }
        }
    }
}
