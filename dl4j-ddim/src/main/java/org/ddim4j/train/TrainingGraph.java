package org.ddim4j.train;

import org.ddim4j.config.Criterion;
import org.ddim4j.random.Seeds;
import org.ddim4j.unet.GraphContext;
import org.ddim4j.unet.GraphMode;
import org.ddim4j.unet.Parameters;
import org.ddim4j.graph.PlanCache;
import org.ddim4j.unet.UNetArchitecture;
import org.ddim4j.unet.UNetGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The U-Net in training mode with the denoising loss on top: placeholders {@code x} (x_t), {@code t} and
 * {@code target} (the noise that made x_t); loss = mean |eps - target| (l1) or mean (eps - target)^2 (l2),
 * as PyTorch's L1Loss and MSELoss. One call gives the loss, the gradient of every trainable tensor and the
 * BatchNorm batch statistics.
 */
public final class TrainingGraph {
    public static final String TARGET = "target";
    /** Placeholder of the per-image loss weights [B, 1, 1, 1] (present only in a weighted graph). */
    public static final String WEIGHT = "weight";
    public static final String LOSS = "loss";

    private final UNetGraph graph;
    private final List<String> outputs = new ArrayList<>();
    private final PlanCache plans;
    private final INDArray gradientVector;
    private final Map<String, INDArray> gradientViews;
    // dropout masks by placeholder and batch size, redrawn in place each pass: the plan of that batch size reads
    // them where they are (no copy of its own: 140 MB for the 64x64 network at batch 8)
    private final Map<String, INDArray> masks = new HashMap<>();

    /**
     * The result of one forward and backward pass. The gradients are views of {@code gradientVector}, laid
     * out as the parameters' {@link Parameters#trainableVector()}.
     */
    public record Pass(double loss, Map<String, INDArray> gradients, INDArray gradientVector,
                       Map<String, INDArray> batchStatistics) {
    }

    private final boolean weighted;
    private final boolean conditional;

    /** The seed's loss: every image of the batch weighted the same. */
    public TrainingGraph(UNetArchitecture arch, Parameters params, Criterion criterion) {
        this(arch, params, criterion, false);
    }

    /**
     * @param weighted whether the loss is mean(w_k |eps - target|) (or its square) with a weight per image fed as
     *                 {@link #WEIGHT}; without, the graph is exactly the seed's loss
     */
    public TrainingGraph(UNetArchitecture arch, Parameters params, Criterion criterion, boolean weighted) {
        this.weighted = weighted;
        this.conditional = arch.conditional();
        this.graph = UNetGraph.build(arch, params, GraphMode.TRAIN);
        SameDiff sd = graph.sameDiff();
        SDVariable eps = sd.getVariable(UNetGraph.OUTPUT);
        SDVariable target = sd.placeHolder(TARGET, DataType.FLOAT, -1, arch.inChannels(), arch.size(), arch.size());
        SDVariable diff = eps.sub(target);
        SDVariable perElement = switch (criterion) {
            case L1 -> sd.math().abs(diff);
            case L2 -> diff.mul(diff);
        };
        if (weighted) {
            // mean over all elements of w_k * loss_k = (1/B) sum_k w_k mean(loss_k)
            perElement = perElement.mul(sd.placeHolder(WEIGHT, DataType.FLOAT, -1, 1, 1, 1));
        }
        perElement.mean().rename(LOSS);
        sd.setLossVariables(LOSS);
        outputs.add(LOSS);
        for (GraphContext.BatchStatistics b : graph.batchStatistics()) {
            outputs.add(b.meanVariable());
            outputs.add(b.varianceVariable());
        }
        // the plan's gradient ops write straight into one vector: no parameter-sized copy per step. The tensors
        // the output does not depend on keep their zero part of it.
        this.gradientVector = Nd4j.create(DataType.FLOAT, params.trainableCount());
        this.gradientViews = params.viewsOf(gradientVector);
        Map<String, INDArray> taken = new LinkedHashMap<>(gradientViews);
        taken.keySet().removeAll(arch.outputInvariantParams());
        Set<String> maskPlaceholders = graph.dropoutMasks().stream().map(GraphContext.DropoutMask::placeholder)
                .collect(Collectors.toSet());
        this.plans = PlanCache.forGradients(sd, outputs, taken, maskPlaceholders);
    }

    /**
     * One forward and backward pass.
     *
     * @param dropoutSeed seeds the dropout masks (ignored when the network has no dropout)
     */
    public Pass run(INDArray xt, INDArray t, INDArray target, long dropoutSeed) {
        return run(xt, t, target, null, dropoutSeed);
    }

    /**
     * One forward and backward pass of a weighted graph.
     *
     * @param weights one loss weight per image, [B] (null for an unweighted graph)
     */
    public Pass run(INDArray xt, INDArray t, INDArray target, INDArray weights, long dropoutSeed) {
        return run(xt, t, target, weights, null, dropoutSeed);
    }

    /**
     * One forward and backward pass of a class-conditional network.
     *
     * @param labels one-hot [B, K] (zero rows: the null class); null exactly when the network is unconditional
     */
    public Pass run(INDArray xt, INDArray t, INDArray target, INDArray weights, INDArray labels, long dropoutSeed) {
        if (conditional != (labels != null)) {
            throw new IllegalArgumentException(conditional ? "this network is class-conditional: give one-hot labels [B, K]"
                    : "this network is unconditional: it takes no class labels");
        }
        if (weighted != (weights != null)) {
            throw new IllegalArgumentException(weighted ? "this training graph weighs its images: give one weight per image"
                    : "this training graph has no per-image weights");
        }
        Map<String, INDArray> feed = new LinkedHashMap<>();
        feed.put(UNetGraph.INPUT, xt.castTo(DataType.FLOAT));
        feed.put(UNetGraph.TIMESTEP, t.castTo(DataType.FLOAT));
        feed.put(TARGET, target.castTo(DataType.FLOAT));

        long batch = xt.size(0);
        for (GraphContext.DropoutMask m : graph.dropoutMasks()) {
            INDArray mask = masks.computeIfAbsent(m.placeholder() + "@" + batch,
                    k -> Nd4j.create(DataType.FLOAT, batch, m.size(), m.size(), m.channels()));
            Seeds.dropoutMask(Seeds.mix(dropoutSeed, feed.size()), 1.0 - m.probability(), mask);
            feed.put(m.placeholder(), mask);
        }
        if (weights != null) {
            // (after the masks: each mask's seed counts the placeholders before it)
            feed.put(WEIGHT, weights.castTo(DataType.FLOAT).reshape(xt.size(0), 1, 1, 1));
        }
        if (labels != null) {
            feed.put(UNetGraph.LABELS, labels.castTo(DataType.FLOAT));
        }
        PlanCache.Execution r = plans.run(feed);
        Map<String, INDArray> stats = new LinkedHashMap<>();
        for (String o : outputs.subList(1, outputs.size())) {
            stats.put(o, r.outputs().get(o));
        }
        // the plan overwrites these arrays in its next run: the caller consumes them before then
        return new Pass(r.outputs().get(LOSS).getDouble(0), gradientViews, gradientVector, stats);
    }

    public List<GraphContext.BatchStatistics> batchStatisticsLayout() {
        return graph.batchStatistics();
    }
}
