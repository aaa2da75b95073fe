package org.ddim4j.graph;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.shape.ZerosLike;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which ops a {@link GraphPlan} runs, in which order, and how long each computed array lives: the ops the
 * requested outputs depend on in one topological order (ties: the graph's own order), and for each op output the
 * index of the last op that reads its values (reads of the shape alone do not count; see
 * {@link #readsOnlyTheShape}). A sum with SameDiff's {@code zeroslike} (the gradient of a stop-gradient) does
 * not compute the zeros: only the shape of their source is read.
 */
final class OpSchedule {
    private OpSchedule() {
    }

    /** The ops the outputs depend on, each after the ops producing its inputs (ties: the graph's own order). */
    static List<SameDiffOp> requiredOpsInOrder(SameDiff sd, Collection<String> outputNames) {
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

    /** The ops of {@code order} that depend, directly or through other ops, on the placeholder {@code name}. */
    private static Set<String> dependingOn(SameDiff sd, List<SameDiffOp> order, String name) {
        Set<String> tainted = new HashSet<>(List.of(name));
        Set<String> ops = new HashSet<>();
        for (SameDiffOp op : order) {   // a topological order: inputs are tainted before their readers are seen
            boolean reads = op.getInputsToOp() != null && op.getInputsToOp().stream().anyMatch(tainted::contains)
                    || op.getControlDeps() != null && op.getControlDeps().stream().anyMatch(ops::contains);
            if (reads) {
                ops.add(op.getName());
                tainted.addAll(op.getOutputsOfOp());
            }
        }
        return ops;
    }

    /** {@code order} with the ops depending on placeholder {@code name} moved after all others (a stable partition). */
    static List<SameDiffOp> secondPhaseLast(SameDiff sd, List<SameDiffOp> order, String name) {
        Set<String> second = dependingOn(sd, order, name);
        List<SameDiffOp> out = new ArrayList<>(order.size());
        order.stream().filter(op -> !second.contains(op.getName())).forEach(out::add);
        order.stream().filter(op -> second.contains(op.getName())).forEach(out::add);
        return out;
    }

    /** How many ops of {@code order} do not depend on placeholder {@code name}. */
    static int firstPhaseSize(SameDiff sd, List<SameDiffOp> order, String name) {
        return order.size() - dependingOn(sd, order, name).size();
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
    static Map<String, Integer> lastReaders(SameDiff sd, List<SameDiffOp> order, Collection<String> outputNames) {
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
    static String zerosSource(SameDiff sd, String zeros) {
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
}
