package org.ddim4j.unet;

import org.ddim4j.graph.Sessions;
import org.ddim4j.graph.PhasedPlanPool;
import org.ddim4j.graph.PlanCache;
import org.ddim4j.schedule.Linearization;
import org.ddim4j.config.NetworkConfig;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The seed's U-Net epsilon-network: an architecture, its parameters and a lazily built evaluation graph.
 * Thread-confined: one UNet serves one thread at a time.
 */
public final class UNet implements DifferentiableNoisePredictor {
    static final String COTANGENT = "eps_cotangent";
    private static final String VJP = "eps_dot_cotangent";

    private final UNetArchitecture architecture;
    private final Parameters parameters;
    private UNetGraph evalGraph;
    private PlanCache noisePlans;
    private PlanCache vjpPlans;
    private SameDiff vjpGraph;
    private PhasedPlanPool linearizations;

    public UNet(UNetArchitecture architecture, Parameters parameters) {
        if (!architecture.params().equals(parameters.specs())) {
            throw new IllegalArgumentException("parameters do not belong to this architecture");
        }
        this.architecture = architecture;
        this.parameters = parameters;
    }

    /** A freshly initialised network (PyTorch's default init, zero output conv). */
    public static UNet create(NetworkConfig config, List<Integer> shape, long seed) {
        UNetArchitecture arch = new UNetArchitecture(config, shape.get(0), shape.get(1), shape.get(2));
        return new UNet(arch, Parameters.initialize(arch, seed));
    }

    /** A network with the given PyTorch-layout tensors; refuses missing, extra or mis-shaped ones. */
    public static UNet fromStateDict(NetworkConfig config, List<Integer> shape, Map<String, INDArray> stateDict,
                                     String source) {
        UNetArchitecture arch = new UNetArchitecture(config, shape.get(0), shape.get(1), shape.get(2));
        return new UNet(arch, Parameters.fromStateDict(arch, stateDict, source));
    }

    public UNetArchitecture architecture() {
        return architecture;
    }

    public Parameters parameters() {
        return parameters;
    }

    /** A deep copy (own arrays, own graphs). */
    public UNet copy() {
        return new UNet(architecture, parameters.copy());
    }

    /** The evaluation graph (built on first use). Its variables are this network's parameter arrays. */
    public SameDiff evalGraph() {
        if (evalGraph == null) {
            evalGraph = UNetGraph.build(architecture, parameters, GraphMode.EVAL);
        }
        return evalGraph.sameDiff();
    }

    /** eps(x, t); a class-conditional network predicts for the null class (unconditionally). */
    @Override
    public INDArray predictNoise(INDArray x, INDArray t) {
        return predictNoise(x, t, null);
    }

    /**
     * eps(x, t, y) of a class-conditional network.
     *
     * @param labels one-hot labels [B, K] (a zero row is the null class), or null for the null class throughout
     */
    public INDArray predictNoise(INDArray x, INDArray t, INDArray labels) {
        if (noisePlans == null) {
            noisePlans = PlanCache.forOutputs(evalGraph(), List.of(UNetGraph.OUTPUT));
        }
        return noisePlans.run(feed(x, t, labels)).outputs().get(UNetGraph.OUTPUT).dup();
    }

    /** Named activations of the evaluation graph (e.g. {@code time_embed.out}, {@code mid_layers.out}); feature maps [B, C, H, W]. */
    public Map<String, INDArray> activations(INDArray x, INDArray t, String... names) {
        Map<String, INDArray> feed = feed(x, t, null);
        Sessions.useSafeSession(evalGraph());
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        evalGraph().output(feed, names)
                .forEach((k, v) -> out.put(k, v.rank() == 4 ? v.permute(0, 3, 1, 2).dup('c') : v.dup()));
        return out;
    }

    @Override
    public INDArray inputGradient(INDArray x, INDArray t, INDArray cotangent) {
        return inputGradient(x, t, null, cotangent);
    }

    /** J_x^T cotangent of eps(x, t, y) ({@link #predictNoise(INDArray, INDArray, INDArray)}'s labels). */
    public INDArray inputGradient(INDArray x, INDArray t, INDArray labels, INDArray cotangent) {
        Map<String, INDArray> feed = feed(x, t, labels);
        if (vjpPlans == null) {
            vjpPlans = PlanCache.forGradients(vjpGraph(), List.of(), List.of(UNetGraph.INPUT));
        }
        feed.put(COTANGENT, cotangent.castTo(DataType.FLOAT));
        return vjpPlans.run(feed).gradients().get(UNetGraph.INPUT).dup();
    }

    /**
     * eps(x, t) from the forward phase of a two-phase plan of the vector-Jacobian product, whose backward phase is
     * the pullback: nothing recomputed, the plan's activations kept in between ({@link PhasedPlanPool}). Plans come
     * from a pool under a byte budget (a quarter of ND4J's physical-memory limit; without one, the Java heap's size);
     * past it, the pullback recomputes.
     * eps equals {@link #predictNoise}'s and the pullback {@link #inputGradient}'s bit for bit (the same ops on the same
     * values; LinearizationTest).
     */
    @Override
    public Linearization linearize(INDArray x, INDArray t) {
        return linearize(x, t, null);
    }

    /** As {@link #linearize(INDArray, INDArray)}, with a conditional network's labels. */
    public Linearization linearize(INDArray x, INDArray t, INDArray labels) {
        Map<String, INDArray> feed = feed(x, t, labels);
        if (linearizations == null) {
            long physical = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();   // 0: no limit set
            linearizations = PhasedPlanPool.forGradients(vjpGraph(), List.of(UNetGraph.OUTPUT), List.of(UNetGraph.INPUT),
                    COTANGENT, physical > 0 ? physical / 4 : Runtime.getRuntime().maxMemory());
        }
        INDArray xf = feed.get(UNetGraph.INPUT);
        PhasedPlanPool.Checkout plan = linearizations.checkout(feed, () -> Nd4j.zeros(DataType.FLOAT, xf.shape()));
        if (plan == null) {
            return Linearization.recomputing(conditionedOn(labels), x, t);
        }
        return Linearization.of(plan.outputs().get(UNetGraph.OUTPUT).dup(),
                cotangent -> plan.secondPhase(cotangent.castTo(DataType.FLOAT)).get(UNetGraph.INPUT), plan::release);
    }

    /**
     * This class-conditional network as a noise predictor for fixed labels (one per image of the batches it will be
     * given): what samplers and inversion methods take.
     *
     * @param labels one-hot [B, K] (zero rows: the null class), or null for the null class throughout
     */
    public DifferentiableNoisePredictor conditionedOn(INDArray labels) {
        if (labels != null && !architecture.conditional()) {
            throw new IllegalArgumentException("this network is unconditional: it takes no class labels");
        }
        if (labels == null) {
            return this;
        }
        INDArray y = labels.castTo(DataType.FLOAT);
        return new DifferentiableNoisePredictor() {
            @Override
            public INDArray predictNoise(INDArray x, INDArray t) {
                return UNet.this.predictNoise(x, t, y);
            }

            @Override
            public INDArray inputGradient(INDArray x, INDArray t, INDArray cotangent) {
                return UNet.this.inputGradient(x, t, y, cotangent);
            }

            @Override
            public Linearization linearize(INDArray x, INDArray t) {
                return UNet.this.linearize(x, t, y);
            }
        };
    }

    /**
     * The graph of the vector-Jacobian product: a graph of its own (closed-form GroupNorm gradients; the evaluation
     * graph, saved in model files, stays free of the product's placeholder and loss), shared by {@link #inputGradient}
     * and {@link #linearize}.
     */
    SameDiff vjpGraph() {
        if (vjpGraph == null) {
            SameDiff sd = UNetGraph.build(architecture, parameters, GraphMode.EVAL, true).sameDiff();
            SDVariable eps = sd.getVariable(UNetGraph.OUTPUT);
            SDVariable cot = sd.placeHolder(COTANGENT, DataType.FLOAT, -1, architecture.inChannels(),
                    architecture.size(), architecture.size());
            eps.mul(cot).sum().rename(VJP);
            sd.setLossVariables(VJP);
            vjpGraph = sd;
        }
        return vjpGraph;
    }

    /** The graph's feed: x and t as float32, and a conditional network's labels (zeros: the null class). */
    private Map<String, INDArray> feed(INDArray x, INDArray t, INDArray labels) {
        long c = architecture.inChannels();
        long s = architecture.size();
        if (x.rank() != 4 || x.size(1) != c || x.size(2) != s || x.size(3) != s) {
            throw new IllegalArgumentException("x must be [B, " + c + ", " + s + ", " + s + "], got "
                    + Arrays.toString(x.shape()));
        }
        if (t.rank() != 1 || t.size(0) != x.size(0)) {
            throw new IllegalArgumentException("t must be [B] with B = " + x.size(0) + ", got "
                    + Arrays.toString(t.shape()));
        }
        Map<String, INDArray> feed = new java.util.LinkedHashMap<>();
        feed.put(UNetGraph.INPUT, x.castTo(DataType.FLOAT));
        feed.put(UNetGraph.TIMESTEP, t.castTo(DataType.FLOAT));
        if (architecture.conditional()) {
            long k = architecture.numClasses();
            if (labels != null && (labels.rank() != 2 || labels.size(0) != x.size(0) || labels.size(1) != k)) {
                throw new IllegalArgumentException("labels must be one-hot [B, K] with B = " + x.size(0) + ", K = " + k
                        + ", got " + Arrays.toString(labels.shape()));
            }
            feed.put(UNetGraph.LABELS, labels != null ? labels.castTo(DataType.FLOAT) : Nd4j.zeros(DataType.FLOAT, x.size(0), k));
        } else if (labels != null) {
            throw new IllegalArgumentException("this network is unconditional: it takes no class labels");
        }
        return feed;
    }
}
