package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * Builds the SameDiff graph of a U-Net over a set of {@link Parameters}: placeholders {@code x}
 * [B, C, H, W] and {@code t} [B] (float32), and {@code y} [B, K] for a class-conditional network, output {@code eps}. The graph's variables are the parameter
 * arrays themselves (not copies).
 */
public final class UNetGraph {
    public static final String INPUT = "x";
    public static final String TIMESTEP = "t";
    public static final String OUTPUT = "eps";
    /** Placeholder of a class-conditional network's one-hot labels [B, K] (a zero row: the null class). */
    public static final String LABELS = "y";

    private final SameDiff sd;
    private final GraphContext context;

    private UNetGraph(SameDiff sd, GraphContext context) {
        this.sd = sd;
        this.context = context;
    }

    /** The U-Net's graph; training graphs use closed-form gradients, evaluation graphs (which are saved) not. */
    public static UNetGraph build(UNetArchitecture arch, Parameters params, GraphMode mode) {
        return build(arch, params, mode, mode == GraphMode.TRAIN);
    }

    /**
     * The U-Net's graph, with closed-form gradients or not ({@link PlannedMath#closedFormGradients()}: only for
     * graphs that are never saved).
     */
    public static UNetGraph build(UNetArchitecture arch, Parameters params, GraphMode mode, boolean closedFormGradients) {
        SameDiff sd = SameDiff.create();
        // SameDiff's default (thread-safe) array holders copy views; the parameters are views of one vector
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        GraphContext ctx = new GraphContext(sd, mode, arch.config().numGroups(), closedFormGradients);
        for (ParamSpec s : params.specs()) {
            boolean used = s.kind().trainable() || (s.kind() == ParamKind.RUNNING_STAT && mode == GraphMode.EVAL);
            if (used) {
                SDVariable v = sd.var(s.name(), params.get(s.name()));
                if (s.kind() == ParamKind.RUNNING_STAT) {
                    sd.convertToConstant(v);
                }
            } else if (s.kind() == ParamKind.COUNTER && mode == GraphMode.EVAL) {
                // unused by the computation; kept so that a saved evaluation graph holds every tensor
                sd.constant(s.name(), params.get(s.name()));
            }
        }
        long c = arch.inChannels();
        long size = arch.size();
        SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, -1, c, size, size);
        SDVariable t = sd.placeHolder(TIMESTEP, DataType.FLOAT, -1);
        SDVariable y = arch.conditional() ? sd.placeHolder(LABELS, DataType.FLOAT, -1, arch.numClasses()) : null;
        arch.forward(ctx, x, t, y).rename(OUTPUT);
        return new UNetGraph(sd, ctx);
    }

    public SameDiff sameDiff() {
        return sd;
    }

    /** BatchNorm statistics exposed by a training graph (empty for GroupNorm or evaluation graphs). */
    public List<GraphContext.BatchStatistics> batchStatistics() {
        return context.batchStatistics();
    }

    /** Dropout mask placeholders a training graph needs fed (empty for evaluation graphs or dropout 0). */
    public List<GraphContext.DropoutMask> dropoutMasks() {
        return context.dropoutMasks();
    }
}
