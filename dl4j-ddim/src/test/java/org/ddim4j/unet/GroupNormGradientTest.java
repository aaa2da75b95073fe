package org.ddim4j.unet;

import org.ddim4j.Fixtures;
import org.ddim4j.graph.GradientFunctions;
import org.ddim4j.graph.GraphPlan;
import org.ddim4j.graph.PlanCache;
import org.ddim4j.graph.Sessions;
import org.ddim4j.graph.GroupNormGradient;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupNormGradientTest {
    private static final long B = 2, H = 4, W = 3, C = 8;
    private static final int GROUPS = 4;
    private static final List<String> VARIABLES = List.of("w", "n.weight", "n.bias", "s", "x");

    /**
     * loss = sum(sin(norm(x w + s)) c): a nonlinear loss above the norm, a parameter below it, and a per-sample,
     * per-channel shift s [B, C] that the norm takes in (as the residual block's time embedding).
     */
    private static SameDiff graph(boolean planned, GraphMode mode, DataType type) {
        return graph(planned, mode, type, false);
    }

    /** As {@link #graph(boolean, GraphMode, DataType)}, with swish(norm(x w + s)) when {@code swish}. */
    private static SameDiff graph(boolean planned, GraphMode mode, DataType type, boolean swish) {
        SameDiff sd = SameDiff.create();
        GraphContext ctx = planned ? new GraphContext(sd, mode, GROUPS) : new GraphContext(sd, mode, GROUPS, sd::getVariable);
        SDVariable x = sd.placeHolder("x", type, -1, H, W, C);
        SDVariable w = sd.var("w", Nd4j.linspace(-1.5, 2.0, H * W * C, type).reshape(1, H, W, C));
        sd.var("n.weight", Nd4j.linspace(0.5, 1.5, C, type));
        sd.var("n.bias", Nd4j.linspace(-0.2, 0.3, C, type));
        SDVariable shift = sd.var("s", Nd4j.linspace(-0.8, 1.1, B * C, type).reshape(B, C));
        SDVariable y = (swish ? Layers.normSwish(ctx, "n", x.mul(w), shift, C, H, W)
                : Layers.norm(ctx, "n", x.mul(w), shift, C, H, W)).rename("y");
        SDVariable c = sd.constant("c", Nd4j.linspace(-1, 1, B * H * W * C, type).reshape(B, H, W, C));
        sd.math().sin(y).mul(c).sum().rename("loss");
        sd.setLossVariables("loss");
        return sd;
    }

    private static INDArray input(DataType type) {
        INDArray x = Nd4j.linspace(-2, 3, B * H * W * C, type).reshape(B, H, W, C);
        return Nd4j.math().sin(x.mul(7)).muli(2).addi(0.5);        // no group is constant
    }

    private static boolean usesClosedForm(SameDiff sd) {
        return sd.getOps().values().stream().anyMatch(o -> o.getOp() instanceof GroupNormGradient);
    }

    @Test
    void closedFormEqualsSameDiffsGradientAndCentralDifferences() {
        closedFormEqualsSameDiffsGradientAndCentralDifferences(false);
    }

    /** The swish's gradient, from the recomputed y, joined to the closed form (PlannedMath's normSwish). */
    @Test
    void closedFormThroughTheSwishEqualsSameDiffsGradientAndCentralDifferences() {
        closedFormEqualsSameDiffsGradientAndCentralDifferences(true);
    }

    private static void closedFormEqualsSameDiffsGradientAndCentralDifferences(boolean swish) {
        Map<String, INDArray> in = Map.of("x", input(DataType.DOUBLE));
        SameDiff closed = graph(true, GraphMode.TRAIN, DataType.DOUBLE, swish);
        SameDiff composed = graph(false, GraphMode.TRAIN, DataType.DOUBLE, swish);
        assertTrue(usesClosedForm(closed));
        assertFalse(usesClosedForm(composed));
        PlanCache.Execution a = PlanCache.forGradients(closed, List.of("loss", "y"), VARIABLES).run(in);
        PlanCache.Execution b = PlanCache.forGradients(composed, List.of("loss", "y"), VARIABLES).run(in);
        assertEquals(b.outputs().get("y"), a.outputs().get("y"));
        for (String v : VARIABLES) {
            INDArray expected = b.gradients().get(v);
            double err = Fixtures.maxAbsDiff(expected, a.gradients().get(v));
            assertTrue(err < 1e-12 * Math.max(1, expected.amaxNumber().doubleValue()), v + ": off by " + err);
        }
        // central differences of the loss in double precision, for some entries of w and x
        GraphPlan loss = GraphPlan.compile(closed, in, List.of("loss"));
        INDArray x = in.get("x").dup();
        java.util.function.DoubleSupplier lossAt = () -> loss.run(Map.of("x", x)).get("loss").getDouble(0);
        assertCentralDifferences("w", closed.getArrForVarName("w").reshape(-1), a.gradients().get("w"), 0, 7, lossAt);
        assertCentralDifferences("x", x.reshape(-1), a.gradients().get("x"), 3, 11, lossAt);
        assertCentralDifferences("s", closed.getArrForVarName("s").reshape(-1), a.gradients().get("s"), 0, 3, lossAt);
    }

    /** Perturbs entries start, start + stride, ... of {@code values} (a view) by +-h and compares the slopes. */
    private static void assertCentralDifferences(String name, INDArray values, INDArray gradient, int start, int stride,
                                                 java.util.function.DoubleSupplier loss) {
        INDArray flatGradient = gradient.reshape(-1);
        double h = 1e-5;
        for (int i = start; i < values.length(); i += stride) {
            double orig = values.getDouble(i);
            values.putScalar(i, orig + h);
            double up = loss.getAsDouble();
            values.putScalar(i, orig - h);
            double down = loss.getAsDouble();
            values.putScalar(i, orig);
            assertEquals((up - down) / (2 * h), flatGradient.getDouble(i), 1e-8, "d loss / d " + name + "[" + i + "]");
        }
    }

    /**
     * h = x; eight times h = swish(norm(h)) w_i, loss = sum(h): each product keeps its input s_i for w_i's gradient,
     * and the closed form keeps the normalised map n_i; y_i and 1 + tanh y_i, which the composed swish's gradient
     * would keep too, are recomputed. So the gradient plan holds about 2 maps a block (4 if they were kept).
     */
    @Test
    void theBackwardPassOfANormAndSwishKeepsTheNormalisedMapAlone() {
        int blocks = 8;
        SameDiff sd = SameDiff.create();
        GraphContext ctx = new GraphContext(sd, GraphMode.TRAIN, GROUPS);
        SDVariable h = sd.placeHolder("x", DataType.FLOAT, -1, H, W, C);
        List<String> weights = new java.util.ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            sd.var("n" + i + ".weight", Nd4j.linspace(0.5, 1.5, C, DataType.FLOAT));
            sd.var("n" + i + ".bias", Nd4j.linspace(-0.2, 0.3, C, DataType.FLOAT));
            SDVariable w = sd.var("w" + i, Nd4j.linspace(0.5, 1.5, H * W * C, DataType.FLOAT).reshape(1, H, W, C));
            h = Layers.normSwish(ctx, "n" + i, h, C, H, W).mul(w);
            weights.add("w" + i);
        }
        h.sum().rename("loss");
        sd.setLossVariables("loss");
        GradientFunctions.createQuietly(sd, weights.toArray(new String[0]));
        List<String> grads = weights.stream().map(v -> sd.getVariable(v).getGradient().name()).toList();
        GraphPlan plan = GraphPlan.compile(sd.getFunction("grad"), Map.of("x", input(DataType.FLOAT)), grads);
        long map = B * H * W * C * Float.BYTES;
        // 2 maps a block, plus at most 8 at a time besides them: the placeholder's copy, the gradient flowing back,
        // the recomputed y, tanh y, 1 + tanh y, 1 - tanh y and their products. (Keeping y and 1 + tanh y measured
        // 33.8 maps here; the closed form without them 22.3.)
        assertTrue(plan.ownedBytes() <= (2L * blocks + 8) * map, (double) plan.ownedBytes() / map + " maps of "
                + (2 * blocks + 8) + " allowed");
    }

    @Test
    void sameDiffsSessionRunsTheGraphWithTheSameResults() {
        sameDiffsSessionRunsTheGraphWithTheSameResults(false);
        sameDiffsSessionRunsTheGraphWithTheSameResults(true);
    }

    private static void sameDiffsSessionRunsTheGraphWithTheSameResults(boolean swish) {
        Map<String, INDArray> in = Map.of("x", input(DataType.FLOAT));
        SameDiff sd = graph(true, GraphMode.TRAIN, DataType.FLOAT, swish);
        PlanCache.Execution planned = PlanCache.forGradients(sd, List.of("y"), VARIABLES).run(in);
        Sessions.useSafeSession(sd);
        INDArray y = sd.output(in, "y").get("y");
        Map<String, INDArray> session = sd.calculateGradients(in, VARIABLES);
        assertTrue(Fixtures.maxAbsDiff(y, planned.outputs().get("y")) < 1e-5);
        for (String v : VARIABLES) {
            double scale = Math.max(1, session.get(v).amaxNumber().doubleValue());
            double err = Fixtures.maxAbsDiff(session.get(v), planned.gradients().get(v));
            assertTrue(err < 1e-5 * scale, v + ": off by " + err);
        }
    }

    @Test
    void onlyGraphsThatAreNeverSavedUseTheClosedForm() {
        // SameDiff copies ops by name when it creates the gradient function: the copy must keep the closed form
        SameDiff sd = graph(true, GraphMode.TRAIN, DataType.FLOAT);
        GradientFunctions.createQuietly(sd, (String[]) null);
        SameDiff gradients = sd.getFunction("grad");
        assertTrue(usesClosedForm(gradients));
        // SameDiff also differentiates the statistics, from the stop-gradient on: nothing reads that, no plan runs it
        Map<String, INDArray> in = Map.of("x", input(DataType.FLOAT));
        List<String> grads = VARIABLES.stream().map(v -> sd.getVariable(v).getGradient().name()).toList();
        List<String> ops = GraphPlan.compile(gradients, in, grads).opNames();
        for (String composedGradient : List.of("divide_bp", "subtract_bp", "reduce_sqnorm_bp", "depthwise_conv2d_bp", "zeroslike")) {
            assertFalse(ops.contains(composedGradient), composedGradient + " runs: " + ops);
        }
        assertFalse(usesClosedForm(graph(true, GraphMode.EVAL, DataType.FLOAT)));
        assertFalse(usesClosedForm(graph(false, GraphMode.TRAIN, DataType.FLOAT)));
        // the evaluation graph is what model files save: it stays loadable by plain SameDiff; the U-Net's
        // vector-Jacobian products (inversion) run on a graph of their own, never saved
        UNet net = Fixtures.parityNetwork();
        assertFalse(usesClosedForm(net.evalGraph()));
        assertTrue(usesClosedForm(UNetGraph.build(net.architecture(), net.parameters(), GraphMode.EVAL, true).sameDiff()));
        assertTrue(usesClosedForm(UNetGraph.build(net.architecture(), net.parameters(), GraphMode.TRAIN).sameDiff()));
    }
}
