package org.ddim4j.graph;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A SameDiff graph compiled for fixed placeholder shapes: the ops that the requested outputs need, in one
 * topological order, each with its native op context built once, its input arrays bound and its output arrays
 * allocated once. Running the plan is then one native call per op, with nothing allocated and no session
 * bookkeeping, where SameDiff M2.1's session runs Java around every op and allocates every output anew
 * (docs/PERFORMANCE.md).
 *
 * <p>The parts: {@link OpSchedule} (which ops, in which order, how long each output lives), {@link BufferPool}
 * (outputs share slabs by liveness, so a plan holds about the live set at its widest point; a gradient
 * execution in SameDiff keeps every intermediate), {@link PlanRewrites} (aliases, views and faster kernels for
 * single ops) and {@link PlanCompiler}, which puts them together; large batched products run one sample at a
 * time ({@link PerSampleProducts}). Some rewrites run faster kernels, so a plan's results differ from SameDiff's
 * session in the last bits; they are the same from run to run. Gradients are SameDiff's own ops. Custom ops are run through libnd4j's entry point directly,
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
    private static final NativeOps NATIVE_OPS = NativeOpsHolder.getInstance().getDeviceNativeOps();
    private final Map<String, INDArray> placeholderBuffers;
    private final Set<String> readInPlace;
    private final List<PlanStep> steps;
    private final Map<String, INDArray> outputs;
    private final long bytes;
    private final List<OutputCopy> copies;
    /** Of a plan compiled in two phases: the placeholder the second phase reads, and the index of its first step. */
    private final String secondPhasePlaceholder;
    private final int secondPhaseFrom;

    /** An output given an array of its own that its op could not write directly (an alias or a view). */
    record OutputCopy(INDArray from, INDArray to) {
    }

    GraphPlan(Map<String, INDArray> placeholderBuffers, List<PlanStep> steps, Map<String, INDArray> outputs, long bytes,
              List<OutputCopy> copies) {
        this(placeholderBuffers, Set.of(), steps, outputs, bytes, copies, null, steps.size());
    }

    GraphPlan(Map<String, INDArray> placeholderBuffers, Set<String> readInPlace, List<PlanStep> steps,
              Map<String, INDArray> outputs, long bytes, List<OutputCopy> copies, String secondPhasePlaceholder,
              int secondPhaseFrom) {
        this.placeholderBuffers = placeholderBuffers;
        this.readInPlace = readInPlace;
        this.steps = steps;
        this.outputs = outputs;
        this.bytes = bytes;
        this.copies = copies;
        this.secondPhasePlaceholder = secondPhasePlaceholder;
        this.secondPhaseFrom = secondPhaseFrom;
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
        return compile(sd, placeholders, outputNames, outputArrays, Set.of());
    }

    /**
     * As {@link #compile(SameDiff, Map, Collection, Map)}, reading the placeholders {@code readInPlace} straight from
     * the arrays given now, with no copy of the plan's own: every run must be given these same arrays (whose
     * contents the caller changes between runs; e.g. a training step's dropout masks, redrawn in place).
     */
    public static GraphPlan compile(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> outputNames,
                                    Map<String, INDArray> outputArrays, Set<String> readInPlace) {
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
        List<SameDiffOp> order = OpSchedule.requiredOpsInOrder(sd, outputNames);
        Map<String, Integer> lastRead = OpSchedule.lastReaders(sd, order, outputNames);
        return SingleThreadedBlas.during(() -> new PlanCompiler(sd, placeholders, outputNames, outputArrays, lastRead,
                readInPlace)
                .compile(order));
    }

    /**
     * Compiles {@code sd} in two phases (and runs it once): the first runs every op that does not depend on the
     * placeholder {@code secondPhasePlaceholder}, the second the rest. A stable partition of the topological order
     * is one too (no op of the first phase reads one of the second), and liveness is counted on it, so what the
     * second phase reads of the first stays in the plan's buffers between the two: for a vector-Jacobian product the
     * first phase is the forward pass (its outputs, e.g. the network's, are ready after it) and the second the
     * backward pass for a cotangent known later, with no recomputation and no copy.
     */
    public static GraphPlan compileInPhases(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> outputNames,
                                           String secondPhasePlaceholder) {
        if (!placeholders.containsKey(secondPhasePlaceholder)) {
            throw new IllegalArgumentException("the second phase's placeholder '" + secondPhasePlaceholder + "' is not among "
                    + placeholders.keySet());
        }
        List<SameDiffOp> order = OpSchedule.requiredOpsInOrder(sd, outputNames);
        List<SameDiffOp> phased = OpSchedule.secondPhaseLast(sd, order, secondPhasePlaceholder);
        int boundary = OpSchedule.firstPhaseSize(sd, order, secondPhasePlaceholder);
        Map<String, Integer> lastRead = OpSchedule.lastReaders(sd, phased, outputNames);
        return SingleThreadedBlas.during(() -> new PlanCompiler(sd, placeholders, outputNames, Map.of(), lastRead)
                .compile(phased, boundary, secondPhasePlaceholder));
    }

    /** Runs the plan: copies the placeholders in, executes every op, returns the outputs (owned by the plan). */
    public Map<String, INDArray> run(Map<String, INDArray> placeholders) {
        return SingleThreadedBlas.during(() -> runOps(placeholders, placeholderBuffers.keySet(), 0, steps.size()));
    }

    /**
     * A two-phase plan's first phase ({@link #compileInPhases}): copies these placeholders (all but the second
     * phase's) in and runs the ops that do not depend on the second phase's placeholder. The outputs those ops
     * compute are then ready in {@link #outputs()}.
     */
    public Map<String, INDArray> runFirstPhase(Map<String, INDArray> placeholders) {
        checkPhased();
        java.util.Set<String> first = new java.util.LinkedHashSet<>(placeholderBuffers.keySet());
        first.remove(secondPhasePlaceholder);
        return SingleThreadedBlas.during(() -> runOps(placeholders, first, 0, secondPhaseFrom));
    }

    /** A two-phase plan's second phase, after its first: copies the placeholder in and runs the remaining ops. */
    public Map<String, INDArray> runSecondPhase(INDArray value) {
        checkPhased();
        return SingleThreadedBlas.during(() -> runOps(Map.of(secondPhasePlaceholder, value), java.util.Set.of(secondPhasePlaceholder),
                secondPhaseFrom, steps.size()));
    }

    private void checkPhased() {
        if (secondPhasePlaceholder == null) {
            throw new IllegalStateException("this plan was not compiled in phases (GraphPlan.compileInPhases)");
        }
    }

    private Map<String, INDArray> runOps(Map<String, INDArray> placeholders, java.util.Set<String> expected, int from, int to) {
        if (!placeholders.keySet().equals(expected)) {
            throw new IllegalArgumentException("the plan takes placeholders " + expected + ", got " + placeholders.keySet());
        }
        for (String name : expected) {
            Map.Entry<String, INDArray> e = Map.entry(name, placeholderBuffers.get(name));
            INDArray given = placeholders.get(e.getKey());
            if (!Arrays.equals(given.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("placeholder '" + e.getKey() + "' must have shape "
                        + Arrays.toString(e.getValue().shape()) + " (the shape this plan was compiled for), got "
                        + Arrays.toString(given.shape()));
            }
            if (readInPlace.contains(name)) {
                if (given != e.getValue()) {
                    throw new IllegalArgumentException("placeholder '" + name + "' is read in place: give the array the"
                            + " plan was compiled with, not another");
                }
            } else {
                e.getValue().assign(given);
            }
        }
        Map<String, long[]> profile = OpProfile.active();
        for (PlanStep s : steps.subList(from, to)) {
            for (PlanStep.ParameterInput p : s.parameters()) {
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
            if (profile == null) {
                execute(s);
            } else {
                long t0 = System.nanoTime();
                execute(s);
                OpProfile.add(profile, s.op().opName(), System.nanoTime() - t0);
            }
        }
        for (OutputCopy c : copies) {
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
    public List<String> opNames() {
        return steps.stream().map(s -> s.op().opName()).toList();
    }

    /** The number of ops run as one product per sample ({@link PerSampleProducts}). */
    public int perSampleOps() {
        return (int) steps.stream().filter(s -> s.perSample() != null).count();
    }

    /** Bytes of the arrays the plan owns (placeholder copies and the shared intermediate buffers). */
    public long ownedBytes() {
        return bytes;
    }

    static void execute(PlanStep s) {
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

    private static void executeCustom(PlanStep s, OpContext context) {
        // libnd4j's entry point itself: ND4J's executioner adds profiling hooks, a JNI call asking whether oneDNN
        // is on, a map of per-op overrides and a list of the outputs around it, for each of the thousands of
        // calls of a training step
        int status = NATIVE_OPS.execCustomOp2(null, s.nativeHash(), context.contextPointer());
        if (status != 0) {
            throw new IllegalStateException("op '" + s.op().getOwnName() + "' (" + s.op().opName() + ") failed: "
                    + NATIVE_OPS.lastErrorMessage());
        }
    }
}
