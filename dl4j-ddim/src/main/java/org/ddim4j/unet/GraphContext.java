package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.ArrayList;
import java.util.List;

/** What a block needs while it adds itself to a SameDiff graph: the graph, the mode and the parameters. */
public final class GraphContext {
    private final SameDiff sd;
    private final GraphMode mode;
    private final int numGroups;
    private final List<BatchStatistics> batchStatistics = new ArrayList<>();

    /** The batch mean and variance a training-mode BatchNorm computed, by the name of its norm layer. */
    public record BatchStatistics(String normName, String meanVariable, String varianceVariable, long count) {
    }

    public GraphContext(SameDiff sd, GraphMode mode, int numGroups) {
        this.sd = sd;
        this.mode = mode;
        this.numGroups = numGroups;
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
        SDVariable v = sd.getVariable(name);
        if (v == null) {
            throw new IllegalStateException("graph has no parameter " + name);
        }
        return v;
    }

    void recordBatchStatistics(BatchStatistics stats) {
        batchStatistics.add(stats);
    }

    public List<BatchStatistics> batchStatistics() {
        return List.copyOf(batchStatistics);
    }
}
