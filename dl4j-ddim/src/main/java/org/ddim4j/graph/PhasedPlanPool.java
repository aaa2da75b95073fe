package org.ddim4j.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two-phase plans of a gradient ({@link GraphPlan#compileInPhases}), handed out one per forward pass: a caller
 * checks a plan out, runs its first phase (the forward pass: the outputs are ready), and later its second phase (the
 * backward pass for a placeholder value known only then, e.g. a cotangent), which returns the plan to the pool. So S
 * forward passes whose backward passes come later in reverse order (an unrolled sampler's S steps) keep S plans'
 * activations alive, with nothing recomputed or copied, and later rounds reuse the plans. Plans are compiled (which
 * runs them once) when none of the shape is idle, while their bytes stay under the budget; past it,
 * {@link #checkout} returns null and the caller recomputes. Not thread-safe.
 */
public final class PhasedPlanPool {
    private final SameDiff gradientGraph;
    private final List<String> wanted;
    private final Map<String, String> gradientNames;
    private final String secondPhasePlaceholder;
    private final long budgetBytes;
    private final Map<String, ArrayDeque<GraphPlan>> idle = new HashMap<>();
    private long bytes;
    private int compiled;
    /** The bytes of the largest plan compiled, for the budget's check before compiling another. */
    private long planBytes;
    private int compilations;

    private PhasedPlanPool(SameDiff gradientGraph, List<String> wanted, Map<String, String> gradientNames,
                           String secondPhasePlaceholder, long budgetBytes) {
        this.gradientGraph = gradientGraph;
        this.wanted = wanted;
        this.gradientNames = gradientNames;
        this.secondPhasePlaceholder = secondPhasePlaceholder;
        this.budgetBytes = budgetBytes;
    }

    /**
     * Plans computing {@code outputs} of {@code sd} in the first phase and the gradients of its loss with respect to
     * {@code variables} in the second, which starts where the placeholder {@code secondPhasePlaceholder} is read.
     *
     * @param budgetBytes the most bytes all the pool's plans may own together
     */
    public static PhasedPlanPool forGradients(SameDiff sd, List<String> outputs, List<String> variables,
                                              String secondPhasePlaceholder, long budgetBytes) {
        GradientFunctions.createQuietly(sd, variables.toArray(new String[0]));
        Map<String, String> names = new LinkedHashMap<>();
        for (String v : variables) {
            SDVariable g = sd.getVariable(v).getGradient();
            if (g == null) {
                throw new IllegalArgumentException("the loss of the graph does not depend on '" + v + "'");
            }
            names.put(v, g.name());
        }
        List<String> wanted = new ArrayList<>(outputs);
        wanted.addAll(names.values());
        return new PhasedPlanPool(sd.getFunction("grad"), List.copyOf(wanted), names, secondPhasePlaceholder, budgetBytes);
    }

    /** A plan checked out for one forward and one backward pass. */
    public final class Checkout {
        private GraphPlan plan;
        private final String key;

        private Checkout(GraphPlan plan, String key) {
            this.plan = plan;
            this.key = key;
        }

        /** The first phase's outputs by name (owned by the plan until its second phase or release). */
        public Map<String, INDArray> outputs() {
            checkHeld();
            return plan.outputs();
        }

        /** Runs the second phase with this placeholder value; returns gradients by variable (copies); frees the plan. */
        public Map<String, INDArray> secondPhase(INDArray value) {
            checkHeld();
            Map<String, INDArray> values = plan.runSecondPhase(value);
            Map<String, INDArray> out = new LinkedHashMap<>();
            gradientNames.forEach((v, g) -> out.put(v, values.get(g).dup()));
            release();
            return out;
        }

        /** Gives the plan back without its second phase. */
        public void release() {
            if (plan != null) {
                idle.computeIfAbsent(key, k -> new ArrayDeque<>()).push(plan);
                plan = null;
            }
        }

        private void checkHeld() {
            if (plan == null) {
                throw new IllegalStateException("this checkout's plan was given back already");
            }
        }
    }

    /**
     * Checks out a plan for these first-phase placeholders and runs its first phase; compiles one if none is idle
     * ({@code secondPhaseLike} gives a value of the second phase's placeholder for the compiling run, asked for only
     * then). Null when a new plan would pass the budget.
     */
    public Checkout checkout(Map<String, INDArray> firstPhase, java.util.function.Supplier<INDArray> secondPhaseLike) {
        String key = signature(firstPhase);
        ArrayDeque<GraphPlan> free = idle.get(key);
        GraphPlan plan = free == null ? null : free.poll();
        if (plan == null) {
            if (planBytes > 0 && bytes + planBytes > budgetBytes) {
                return null;   // (known from a plan compiled before: another would pass the budget)
            }
            Map<String, INDArray> all = new LinkedHashMap<>(firstPhase);
            all.put(secondPhasePlaceholder, secondPhaseLike.get());
            plan = GraphPlan.compileInPhases(gradientGraph, all, wanted, secondPhasePlaceholder);
            compilations++;
            planBytes = Math.max(planBytes, plan.ownedBytes());
            if (bytes + plan.ownedBytes() > budgetBytes) {
                return null;   // dropped; and no other plan of this size will be compiled
            }
            bytes += plan.ownedBytes();
            compiled++;
        }
        plan.runFirstPhase(firstPhase);
        return new Checkout(plan, key);
    }

    /** Bytes the pool's plans own. */
    public long bytes() {
        return bytes;
    }

    /** Plans the pool holds (idle or checked out). */
    public int plans() {
        return compiled;
    }

    /** Plans compiled so far, kept or dropped for the budget. */
    public int compilations() {
        return compilations;
    }

    private static String signature(Map<String, INDArray> placeholders) {
        StringBuilder sb = new StringBuilder();
        placeholders.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                sb.append(e.getKey()).append(Arrays.toString(e.getValue().shape())).append(';'));
        return sb.toString();
    }
}
