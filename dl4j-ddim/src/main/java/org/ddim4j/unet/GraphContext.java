package org.ddim4j.unet;

import org.ddim4j.graph.GroupNormGradient;
import org.ddim4j.graph.GraphPlan;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** What a block needs while it adds itself to a SameDiff graph: the graph, the mode and the parameters. */
public final class GraphContext {
    private final SameDiff sd;
    private final GraphMode mode;
    private final int numGroups;
    private final List<BatchStatistics> batchStatistics = new ArrayList<>();
    private final Function<String, SDVariable> params;
    private final Map<String, SDVariable> groupAveraging = new HashMap<>();
    private final LayerMath math;

    /** The batch mean and variance a training-mode BatchNorm computed, by the name of its norm layer. */
    public record BatchStatistics(String normName, String meanVariable, String varianceVariable, long count) {
    }

    /**
     * A graph run by {@link GraphPlan}s ({@link PlannedMath}); parameters are the graph's variables of the same
     * name. Training graphs use closed-form gradients.
     */
    public GraphContext(SameDiff sd, GraphMode mode, int numGroups) {
        this(sd, mode, numGroups, mode == GraphMode.TRAIN);
    }

    /**
     * A graph run by {@link GraphPlan}s ({@link PlannedMath}), with closed-form gradients or not (a graph that is
     * saved must not use them: see {@link GroupNormGradient}).
     */
    public GraphContext(SameDiff sd, GraphMode mode, int numGroups, boolean closedFormGradients) {
        this(sd, mode, numGroups, sd::getVariable, new PlannedMath(closedFormGradients));
    }

    /**
     * A graph run by SameDiff's session (a DL4J layer's), in {@link PlainMath}; parameters come from
     * {@code params} (e.g. the layer's parameter table).
     */
    public GraphContext(SameDiff sd, GraphMode mode, int numGroups, Function<String, SDVariable> params) {
        this(sd, mode, numGroups, params, PlainMath.INSTANCE);
    }

    private GraphContext(SameDiff sd, GraphMode mode, int numGroups, Function<String, SDVariable> params,
                         LayerMath math) {
        this.sd = sd;
        this.mode = mode;
        this.numGroups = numGroups;
        this.params = params;
        this.math = math;
    }

    /** The form of swish, the norms and attention this graph is built in: plain, or planned for plans. */
    public LayerMath math() {
        return math;
    }

    public SameDiff sd() {
        return sd;
    }

    public GraphMode mode() {
        return mode;
    }

    public int numGroups() {
        return numGroups;
    }

    /** The variable or constant of the parameter with this PyTorch name; it must exist in the graph. */
    public SDVariable param(String name) {
        SDVariable v = params.apply(name);
        if (v == null) {
            throw new IllegalStateException("graph has no parameter " + name);
        }
        return v;
    }

    /**
     * The constant [C, C] matrix that averages per-channel statistics within each group of C/G consecutive
     * channels and divides them by {@code pixels}: A[c, c'] = 1 / (C/G * pixels) when c and c' share a group,
     * else 0, in the activations' type. One constant per shape and type, shared by the graph's norms.
     */
    SDVariable groupAveraging(long channels, long groups, long pixels, DataType type) {
        String key = "group_average_" + channels + "_" + groups + "_" + pixels + "_" + type.name().toLowerCase(Locale.ROOT);
        return groupAveraging.computeIfAbsent(key, k -> {
            if (sd.hasVariable(k)) {           // made by another context on the same graph
                return sd.getVariable(k);
            }
            long size = channels / groups;
            // in double, then cast: exact up to the graph's own precision (GroupNormGradient's closed form
            // assumes the variance is exactly the mean of the squares)
            double[][] a = new double[(int) channels][(int) channels];
            for (int c = 0; c < channels; c++) {
                for (int d = 0; d < channels; d++) {
                    a[c][d] = c / size == d / size ? 1.0 / (size * pixels) : 0.0;
                }
            }
            return sd.constant(k, Nd4j.createFromArray(a).castTo(type));
        });
    }

    /** A dropout mask placeholder of the training graph: [B, size, size, channels] of 0 or 1/(1 - p). */
    public record DropoutMask(String placeholder, long channels, long size, double probability) {
    }

    private final List<DropoutMask> dropoutMasks = new ArrayList<>();

    SDVariable dropoutMask(String placeholder, long channels, long size, double probability) {
        dropoutMasks.add(new DropoutMask(placeholder, channels, size, probability));
        return sd.placeHolder(placeholder, DataType.FLOAT, -1, size, size, channels);
    }

    public List<DropoutMask> dropoutMasks() {
        return List.copyOf(dropoutMasks);
    }

    void recordBatchStatistics(BatchStatistics stats) {
        batchStatistics.add(stats);
    }

    public List<BatchStatistics> batchStatistics() {
        return List.copyOf(batchStatistics);
    }
}
