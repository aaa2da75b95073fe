package org.ddim4j.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link GraphPlan}s of one graph and one set of outputs, one per set of placeholder shapes, the most
 * recently used kept (a sampler at batch 16 and its last, smaller batch need two). For gradients, the plans are
 * of SameDiff's gradient function, which computes the forward pass and the backward pass in one execution.
 *
 * <p>Not thread-safe; the arrays of an {@link Execution} belong to the plan and are overwritten by its next run.
 */
public final class PlanCache {
    private static final int CAPACITY = 2;

    private final SameDiff graph;
    private final List<String> outputs;
    private final Map<String, String> gradientNames;   // variable -> its gradient variable in the graph
    private final Map<String, INDArray> outputArrays;  // by graph variable name: where a plan writes it
    private final Set<String> readInPlace;             // placeholders a plan reads from the given arrays, uncopied
    private final LinkedHashMap<String, GraphPlan> plans = new LinkedHashMap<>(4, 0.75f, true);

    /** Outputs by name, and gradients by the name of the variable they are the gradient of. */
    public record Execution(Map<String, INDArray> outputs, Map<String, INDArray> gradients) {
    }

    private PlanCache(SameDiff graph, List<String> outputs, Map<String, String> gradientNames,
                      Map<String, INDArray> outputArrays, Set<String> readInPlace) {
        this.graph = graph;
        this.outputs = List.copyOf(outputs);
        this.gradientNames = gradientNames;
        this.outputArrays = outputArrays;
        this.readInPlace = Set.copyOf(readInPlace);
    }

    /** Plans that compute {@code outputs} of {@code sd}. */
    public static PlanCache forOutputs(SameDiff sd, List<String> outputs) {
        return new PlanCache(sd, outputs, Map.of(), Map.of(), Set.of());
    }

    /**
     * Plans that compute {@code outputs} of {@code sd} and the gradients of its loss with respect to
     * {@code variables} (the gradient function is created if needed).
     */
    public static PlanCache forGradients(SameDiff sd, List<String> outputs, List<String> variables) {
        Map<String, INDArray> none = new LinkedHashMap<>();
        variables.forEach(v -> none.put(v, null));
        return forGradients(sd, outputs, none);
    }

    /**
     * As {@link #forGradients(SameDiff, List, List)} for the variables that key {@code gradientArrays}; each
     * gradient is written into its given array where that is not null (of the variable's shape and type, e.g. a
     * view of one vector of gradients), which {@link Execution#gradients()} then returns.
     */
    public static PlanCache forGradients(SameDiff sd, List<String> outputs, Map<String, INDArray> gradientArrays) {
        return forGradients(sd, outputs, gradientArrays, Set.of());
    }

    /**
     * As {@link #forGradients(SameDiff, List, Map)}, each plan reading the placeholders {@code readInPlace} from the
     * arrays it was compiled with, uncopied ({@link GraphPlan#compile(SameDiff, Map, Collection, Map, Set)}): a run
     * for a batch shape must be given the arrays of that shape's first run.
     */
    public static PlanCache forGradients(SameDiff sd, List<String> outputs, Map<String, INDArray> gradientArrays,
                                         Set<String> readInPlace) {
        List<String> variables = List.copyOf(gradientArrays.keySet());
        boolean existed = sd.hasGradientFunction();
        GradientFunctions.createQuietly(sd, variables.toArray(new String[0]));
        Map<String, String> names = new LinkedHashMap<>();
        for (String v : variables) {
            if (!sd.hasVariable(v)) {
                throw new IllegalArgumentException("the graph has no variable '" + v + "' to take the gradient of");
            }
            SDVariable gradient = sd.getVariable(v).getGradient();
            if (gradient == null) {
                throw new IllegalArgumentException(existed
                        ? "the graph's gradient function, created before, has no gradient for '" + v
                          + "' (a placeholder's exists only if asked for when it is created)"
                        : "the loss of the graph does not depend on '" + v + "'");
            }
            names.put(v, gradient.name());
        }
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        gradientArrays.forEach((v, a) -> {
            if (a != null) {
                arrays.put(names.get(v), a);
            }
        });
        return new PlanCache(sd.getFunction("grad"), outputs, names, arrays, readInPlace);
    }

    /** Runs the plan for these placeholder shapes, compiling it (which runs it) on first use. */
    public Execution run(Map<String, INDArray> placeholders) {
        String key = signature(placeholders);
        GraphPlan plan = plans.get(key);
        Map<String, INDArray> values;
        if (plan == null) {
            List<String> wanted = new ArrayList<>(outputs);
            wanted.addAll(gradientNames.values());
            plan = GraphPlan.compile(graph, placeholders, wanted, outputArrays, readInPlace);
            plans.put(key, plan);
            if (plans.size() > CAPACITY) {
                plans.remove(plans.keySet().iterator().next());
            }
            values = plan.outputs();
        } else {
            values = plan.run(placeholders);
        }
        Map<String, INDArray> outs = new LinkedHashMap<>();
        for (String o : outputs) {
            outs.put(o, values.get(o));
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        gradientNames.forEach((v, g) -> grads.put(v, values.get(g)));
        return new Execution(outs, grads);
    }

    private static String signature(Map<String, INDArray> placeholders) {
        StringBuilder sb = new StringBuilder();
        placeholders.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                sb.append(e.getKey()).append(Arrays.toString(e.getValue().shape())).append(';'));
        return sb.toString();
    }
}
