package org.ddim4j.graph;

import org.ddim4j.unet.UNet;
import org.ddim4j.unet.UNetGraph;
import org.ddim4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphPlanTest {

    /**
     * y = tanh(x W + b), then ten elementwise ops in a chain, loss = sum(z). With single-thread array holders, as
     * the U-Net's graphs: setArray replaces a parameter's array (the default holders copy into it).
     */
    private static SameDiff chain(int width) {
        SameDiff sd = SameDiff.create();
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, width);
        SDVariable w = sd.var("w", Nd4j.linspace(-1, 1, (long) width * width, DataType.FLOAT).reshape(width, width).divi(width));
        SDVariable b = sd.var("b", Nd4j.linspace(0, 1, width, DataType.FLOAT));
        SDVariable h = sd.math().tanh(x.mmul(w).add(b));
        for (int i = 0; i < 10; i++) {
            h = i % 2 == 0 ? h.mul(1.5).add(0.25) : sd.math().sin(h);
        }
        h.rename("z");
        h.sum().rename("loss");
        sd.setLossVariables("loss");
        return sd;
    }

    private static INDArray input(long rows, int width, double scale) {
        return Nd4j.linspace(-scale, scale, rows * width, DataType.FLOAT).reshape(rows, width);
    }

    /** Plans run products on libnd4j's kernels, SameDiff's session on oneDNN's: equal up to float32 rounding. */
    private static void assertClose(INDArray expected, INDArray actual) {
        assertClose(expected, actual, 2e-6);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance) {
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double diff = Fixtures.maxAbsDiff(expected, actual);
        assertTrue(diff <= tolerance * scale, "max |difference| " + diff + ", largest value " + scale);
    }

    @Test
    void forwardPassOfTheUNetMatchesSameDiffsAndRepeatsBitForBit() {
        UNet net = Fixtures.parityNetwork();
        Map<String, INDArray> forward = Fixtures.npz("forward.npz");
        SameDiff sd = net.evalGraph();
        Map<String, INDArray> first = Map.of(UNetGraph.INPUT, forward.get("x"), UNetGraph.TIMESTEP, forward.get("t"));
        Map<String, INDArray> second = Map.of(UNetGraph.INPUT, forward.get("x").mul(0.5),
                UNetGraph.TIMESTEP, forward.get("t").add(100));

        GraphPlan plan = GraphPlan.compile(sd, first, List.of(UNetGraph.OUTPUT));
        INDArray planFirst = plan.outputs().get(UNetGraph.OUTPUT).dup();
        INDArray planSecond = plan.run(second).get(UNetGraph.OUTPUT).dup();
        INDArray planFirstAgain = plan.run(first).get(UNetGraph.OUTPUT).dup();

        Sessions.useSafeSession(sd);
        INDArray sdFirst = sd.output(first, UNetGraph.OUTPUT).get(UNetGraph.OUTPUT).dup();
        Sessions.useSafeSession(sd);
        INDArray sdSecond = sd.output(second, UNetGraph.OUTPUT).get(UNetGraph.OUTPUT).dup();

        assertClose(sdFirst, planFirst);
        assertClose(sdSecond, planSecond);
        assertEquals(0.0, Fixtures.maxAbsDiff(planFirstAgain, planFirst));
        assertTrue(Fixtures.maxAbsDiff(planFirst, planSecond) > 0.1, "the two inputs must give different outputs");
        assertTrue(Fixtures.maxAbsDiff(planFirst, forward.get("eps")) < 1e-5, "parity with PyTorch");
    }

    @Test
    void gradientPlanOfTheUNetEqualsSameDiffsGradients() {
        UNet net = Fixtures.parityNetwork();
        Map<String, INDArray> forward = Fixtures.npz("forward.npz");
        INDArray x = forward.get("x");
        INDArray t = forward.get("t");
        INDArray cotangent = Nd4j.linspace(-1, 1, x.length(), DataType.FLOAT).reshape(x.shape());
        INDArray planned = net.inputGradient(x, t, cotangent);     // through PlanCache.forGradients

        // the same product on the evaluation graph in SameDiff's session: the composed norm, differentiated by
        // SameDiff (inputGradient's graph has closed-form norm gradients)
        SameDiff sd = net.evalGraph();
        sd.getVariable(UNetGraph.OUTPUT).mul(sd.placeHolder("eps_cotangent", DataType.FLOAT, x.shape())).sum().rename("vjp");
        sd.setLossVariables("vjp");
        GradientFunctions.createQuietly(sd, UNetGraph.INPUT);
        Sessions.useSafeSession(sd);
        INDArray reference = sd.calculateGradients(Map.of(UNetGraph.INPUT, x, UNetGraph.TIMESTEP, t,
                "eps_cotangent", cotangent), UNetGraph.INPUT).get(UNetGraph.INPUT);
        assertTrue(reference.amaxNumber().doubleValue() > 1e-3, "a non-trivial gradient");
        // float32 through 17 residual blocks: SameDiff differentiates each norm of h + time embedding along two
        // paths to the embedding that cancel in part (3.4e-6 here; 2.0e-6 when the sum was formed); the closed
        // form with the shift is checked in double precision in GroupNormGradientTest
        assertClose(reference, planned, 4e-6);
        assertEquals(0.0, Fixtures.maxAbsDiff(planned, net.inputGradient(x, t, cotangent)), "repeatable");
    }

    @Test
    void gradientsOfParametersEqualSameDiffsAndFollowInPlaceUpdates() {
        SameDiff sd = chain(8);
        PlanCache plans = PlanCache.forGradients(sd, List.of("loss"), List.of("w", "b"));
        INDArray x = input(3, 8, 2);
        PlanCache.Execution r = plans.run(Map.of("x", x));
        Map<String, INDArray> reference = sd.calculateGradients(Map.of("x", x), "w", "b");
        assertClose(reference.get("w"), r.gradients().get("w"));
        assertClose(reference.get("b"), r.gradients().get("b"));

        sd.getVariable("w").getArr().addi(0.3);                     // an optimiser's step, in place
        INDArray planned = plans.run(Map.of("x", x)).gradients().get("w").dup();
        assertClose(sd.calculateGradients(Map.of("x", x), "w").get("w"), planned);
    }

    @Test
    void gradientsAreWrittenIntoGivenArraysDirectlyOrByCopy() {
        // b's gradient is written by the broadcast add's gradient op; v is used reshaped, so its gradient is a
        // view of another buffer and is copied: both land in views of one vector, run after run
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 8);
        SDVariable v = sd.var("v", Nd4j.linspace(-1, 1, 64, DataType.FLOAT).divi(8));
        SDVariable b = sd.var("b", Nd4j.linspace(0, 1, 8, DataType.FLOAT));
        sd.math().sin(sd.math().tanh(x.mmul(v.reshape(8, 8)).add(b)).mul(2.0)).sum().rename("loss");
        sd.setLossVariables("loss");
        INDArray vector = Nd4j.zeros(DataType.FLOAT, 64 + 8);
        INDArray vView = vector.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 64));
        INDArray bView = vector.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(64, 72));
        Map<String, INDArray> into = new java.util.LinkedHashMap<>();
        into.put("v", vView);
        into.put("b", bView);
        PlanCache plans = PlanCache.forGradients(sd, List.of("loss"), into);
        for (double scale : new double[]{2, 3}) {
            INDArray in = input(3, 8, scale);
            PlanCache.Execution r = plans.run(Map.of("x", in));
            Sessions.useSafeSession(sd);
            Map<String, INDArray> reference = sd.calculateGradients(Map.of("x", in), "v", "b");
            assertTrue(r.gradients().get("v") == vView && r.gradients().get("b") == bView, "the given arrays are returned");
            assertClose(reference.get("v"), vector.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 64)));
            assertClose(reference.get("b"), vector.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(64, 72)));
        }
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> PlanCache.forGradients(chain(8),
                List.of("loss"), Map.of("w", Nd4j.zeros(DataType.FLOAT, 4, 16))).run(Map.of("x", input(3, 8, 1))));
        assertTrue(wrong.getMessage().contains("[4, 16]") && wrong.getMessage().contains("[8, 8]"), wrong.getMessage());
        IllegalArgumentException notAnOutput = assertThrows(IllegalArgumentException.class, () -> GraphPlan.compile(chain(8),
                Map.of("x", input(3, 8, 1)), List.of("z"), Map.of("loss", Nd4j.scalar(0f))));
        assertTrue(notAnOutput.getMessage().contains("loss"), notAnOutput.getMessage());
    }

    @Test
    void intermediatesShareBuffersByLiveness() {
        int width = 256;
        GraphPlan plan = GraphPlan.compile(chain(width), Map.of("x", input(4, width, 1)), List.of("z"));
        long activation = 4L * width * Float.BYTES;
        // mmul, add, tanh, then 5 x (multiply, add) and 5 x sin: 18 outputs; shared, they need two buffers that
        // the ops alternate between, besides the copy of the placeholder
        assertEquals(18, plan.opCount());
        assertEquals(3 * activation, plan.ownedBytes());
    }

    @Test
    void buffersAreSharedAcrossShapesOfTheSameSize() {
        SameDiff sd = SameDiff.create();
        SDVariable h = sd.placeHolder("x", DataType.FLOAT, 2, 8);
        long[][] shapes = {{4, 4}, {16}, {2, 2, 4}, {1, 16}};
        for (long[] shape : shapes) {
            h = h.mul(2).reshape(shape);
        }
        h.add(1).rename("y");
        INDArray x = input(2, 8, 1);
        GraphPlan plan = GraphPlan.compile(sd, Map.of("x", x), List.of("y"));
        assertEquals(0.0, Fixtures.maxAbsDiff(plan.outputs().get("y"), x.mul(16).reshape(1, 16).add(1)));
        // 9 outputs of 16 floats in 4 shapes: two slabs alternate, besides the placeholder copy
        assertEquals(3 * 16 * Float.BYTES, plan.ownedBytes());
    }

    @Test
    void runsAgainWithNewValuesAndFollowsAReplacedParameter() {
        SameDiff sd = chain(8);
        INDArray a = input(2, 8, 1);
        INDArray b = input(2, 8, 3);
        GraphPlan plan = GraphPlan.compile(sd, Map.of("x", a), List.of("z"));
        assertClose(sd.output(Map.of("x", b), "z").get("z"), plan.run(Map.of("x", b)).get("z"));

        sd.getVariable("w").setArray(Nd4j.ones(DataType.FLOAT, 8, 8));
        INDArray after = plan.run(Map.of("x", b)).get("z").dup();
        assertClose(sd.output(Map.of("x", b), "z").get("z"), after);

        sd.getVariable("w").setArray(Nd4j.ones(DataType.FLOAT, 4, 4));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> plan.run(Map.of("x", b)));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("[4, 4]") && e.getMessage().contains("[8, 8]"),
                e.getMessage());
    }

    @Test
    void aPlaceholderReadInPlaceFollowsItsArrayWithoutACopyAndRefusesAnother() {
        SameDiff sd = chain(8);
        INDArray x = input(2, 8, 1).dup();
        GraphPlan copying = GraphPlan.compile(sd, Map.of("x", x), List.of("z"));
        GraphPlan inPlace = GraphPlan.compile(sd, Map.of("x", x), List.of("z"), Map.of(), Set.of("x"));
        // the copying plan owns a copy of x, the other reads x itself
        assertEquals(2L * 8 * Float.BYTES, copying.ownedBytes() - inPlace.ownedBytes());
        x.assign(input(2, 8, 3));                                    // the caller changes its array between runs
        INDArray expected = copying.run(Map.of("x", x)).get("z").dup();
        assertClose(sd.output(Map.of("x", x), "z").get("z"), expected);
        assertEquals(expected, inPlace.run(Map.of("x", x)).get("z"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> inPlace.run(Map.of("x", x.dup())));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("read in place"), e.getMessage());
        IllegalArgumentException view = assertThrows(IllegalArgumentException.class, () -> GraphPlan.compile(sd,
                Map.of("x", input(4, 8, 1).get(NDArrayIndex.interval(0, 2), NDArrayIndex.all())), List.of("z"),
                Map.of(), Set.of("x")));
        assertTrue(view.getMessage().contains("'x'") && view.getMessage().contains("a view"), view.getMessage());
    }

    @Test
    void identityOutputsAliasTheirInputAndStayCorrect() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
        SDVariable doubled = x.mul(2);
        SDVariable alias = sd.identity("alias", doubled);
        SDVariable after = alias.add(1).mul(3).rename("after");
        GraphPlan plan = GraphPlan.compile(sd, Map.of("x", input(1, 4, 1)), List.of("alias", "after"));
        INDArray in = Nd4j.createFromArray(new float[][]{{1, 2, 3, 4}});
        Map<String, INDArray> out = plan.run(Map.of("x", in));
        assertEquals(Nd4j.createFromArray(new float[][]{{2, 4, 6, 8}}), out.get("alias"));
        assertEquals(Nd4j.createFromArray(new float[][]{{9, 15, 21, 27}}), out.get("after"));
    }

    @Test
    void anIdentityOfAParameterFollowsTheParametersReplacement() {
        SameDiff sd = SameDiff.create();
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);   // as chain()
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
        SDVariable w = sd.var("w", Nd4j.createFromArray(new float[]{1, 2, 3, 4}));
        x.mul(sd.identity(w)).add(new org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient(sd, w).outputVariable())
                .rename("y");
        INDArray in = Nd4j.createFromArray(new float[][]{{1, 1, 1, 1}});
        GraphPlan plan = GraphPlan.compile(sd, Map.of("x", in), List.of("y"));
        assertEquals(Nd4j.createFromArray(new float[][]{{2, 4, 6, 8}}), plan.outputs().get("y"));
        sd.getVariable("w").setArray(Nd4j.createFromArray(new float[]{5, 6, 7, 8}));
        assertEquals(Nd4j.createFromArray(new float[][]{{10, 12, 14, 16}}), plan.run(Map.of("x", in)).get("y"));
    }

    @Test
    void aSumWithZerosIsTheOtherTermAndABroadcastStaysASum() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
        SDVariable doubled = x.mul(2);
        SDVariable same = doubled.add(sd.zerosLike(doubled)).add(1).rename("same");
        SDVariable row = sd.var("row", Nd4j.createFromArray(new float[][]{{1, 2, 3, 4}}));
        SDVariable broadcast = row.add(sd.zerosLike(doubled)).rename("broadcast");      // [1, 4] + zeros [B, 4]
        SDVariable parameter = sd.var("p", Nd4j.createFromArray(new float[][]{{5, 6, 7, 8}}));
        parameter.add(sd.zerosLike(row)).rename("parameter");                            // stays a sum: p may be replaced
        INDArray in = Nd4j.createFromArray(new float[][]{{1, 2, 3, 4}, {5, 6, 7, 8}, {0, 0, 0, 1}});
        GraphPlan plan = GraphPlan.compile(sd, Map.of("x", in), List.of("same", "broadcast", "parameter"));
        // the equal-shape sum is a view of x * 2, and no zeros are made for it; the others add the plan's zeros
        assertEquals(List.of("mul_scalar", "add_scalar", "add", "add"), plan.opNames());
        assertEquals(Nd4j.createFromArray(new float[][]{{5, 6, 7, 8}}), plan.outputs().get("parameter"));
        assertEquals(in.mul(2).add(1), plan.outputs().get("same"));
        assertEquals(Nd4j.createFromArray(new float[][]{{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}}), plan.outputs().get("broadcast"));
        Map<String, INDArray> again = plan.run(Map.of("x", in.mul(3)));
        assertEquals(in.mul(6).add(1), again.get("same"));
    }

    @Test
    void badPlaceholdersAndOutputsAreRefusedByName() {
        SameDiff sd = chain(8);
        INDArray x = input(2, 8, 1);
        GraphPlan plan = GraphPlan.compile(sd, Map.of("x", x), List.of("z"));

        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> plan.run(Map.of("x", input(3, 8, 1))));
        assertTrue(shape.getMessage().contains("'x'") && shape.getMessage().contains("[2, 8]")
                && shape.getMessage().contains("[3, 8]"), shape.getMessage());
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> plan.run(Map.of("y", x)));
        assertTrue(names.getMessage().contains("[x]") && names.getMessage().contains("[y]"), names.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> GraphPlan.compile(sd, Map.of(), List.of("z")));
        assertTrue(missing.getMessage().contains("'x'"), missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> GraphPlan.compile(sd, Map.of("x", x), List.of("nope")));
        assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
        IllegalArgumentException unused = assertThrows(IllegalArgumentException.class,
                () -> GraphPlan.compile(sd, Map.of("x", x, "extra", x), List.of("z")));
        assertTrue(unused.getMessage().contains("extra"), unused.getMessage());
        IllegalArgumentException noLoss = assertThrows(IllegalArgumentException.class,
                () -> PlanCache.forGradients(chain(8), List.of(), List.of("x_unknown")));
        assertTrue(noLoss.getMessage().contains("x_unknown"), noLoss.getMessage());
        // x reaches the weights through a permute, whose gradient is made only when asked for (as in the U-Net)
        SameDiff withoutPlaceholderGradient = SameDiff.create();
        SDVariable w = withoutPlaceholderGradient.var("w", Nd4j.ones(DataType.FLOAT, 8, 8));
        SDVariable xs = withoutPlaceholderGradient.placeHolder("x", DataType.FLOAT, -1, 8);
        w.mmul(xs.permute(1, 0)).sum().rename("loss");
        withoutPlaceholderGradient.setLossVariables("loss");
        PlanCache.forGradients(withoutPlaceholderGradient, List.of(), List.of("w"));
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class,
                () -> PlanCache.forGradients(withoutPlaceholderGradient, List.of(), List.of("x")));
        assertTrue(late.getMessage().contains("created before") && late.getMessage().contains("'x'"), late.getMessage());
    }

    @Test
    void aCacheKeepsOnePlanPerBatchShape() {
        SameDiff sd = chain(8);
        PlanCache plans = PlanCache.forOutputs(sd, List.of("z"));
        for (int round = 0; round < 2; round++) {
            for (int rows : new int[]{1, 5}) {
                INDArray x = input(rows, 8, 1 + round);
                INDArray expected = sd.output(Map.of("x", x), "z").get("z");
                INDArray got = plans.run(Map.of("x", x)).outputs().get("z");
                assertClose(expected, got);
            }
        }
    }

    @Test
    void tanhRunsAsLibnd4jsDeclarableOpForwardAndBackward() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 64);
        SDVariable w = sd.var("w", Nd4j.linspace(-2, 2, 64, DataType.FLOAT));
        SDVariable y = sd.math().tanh(x.mul(w)).rename("y");
        y.mul(y).sum().rename("loss");
        sd.setLossVariables("loss");
        INDArray in = input(8, 64, 6.0);
        INDArray product = in.mulRowVector(sd.getArrForVarName("w"));

        GraphPlan plan = GraphPlan.compile(sd, Map.of("x", in), List.of("y"));
        INDArray declarable = product.ulike();
        Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("tanh").addInputs(product).addOutputs(declarable).build());
        assertEquals(0.0, Fixtures.maxAbsDiff(declarable, plan.outputs().get("y")), "the declarable op's values, bit for bit");
        Sessions.useSafeSession(sd);
        assertClose(sd.output(Map.of("x", in), "y").get("y"), plan.outputs().get("y"));

        // d loss / d w = sum over rows of 2 y (1 - y^2) x: the gradient runs as tanh_bp on the same op's output
        INDArray dw = PlanCache.forGradients(sd, List.of("loss"), List.of("w")).run(Map.of("x", in)).gradients().get("w");
        INDArray yy = declarable;
        INDArray expected = yy.mul(2).muli(yy.mul(yy).rsubi(1)).muli(in).sum(0);
        assertTrue(Fixtures.maxAbsDiff(expected, dw) <= 1e-5 * Math.max(1, expected.amaxNumber().doubleValue()),
                "gradient " + dw + " expected " + expected);
    }

    @Test
    void shapeOnlyReadsDoNotKeepArraysAliveAndGradientsStayExact() {
        // the gradients of concat, mean, subtract and add read only the shapes of their inputs: the plan binds
        // them to buffers that hold other values by then, so any read of the data would change the gradients
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 32);
        SDVariable w = sd.var("w", Nd4j.linspace(-1, 1, 32 * 32, DataType.FLOAT).reshape(32, 32).divi(8));
        SDVariable b = sd.var("b", Nd4j.linspace(-0.5, 0.5, 64, DataType.FLOAT));
        SDVariable a = sd.math().tanh(x.mmul(w));
        SDVariable s = sd.concat(1, a, a.mul(2.0));
        SDVariable centred = s.sub(s.mean(true, 1));
        SDVariable d = sd.math().sin(centred.add(b)).mul(3.0);
        sd.math().cos(d).sum().rename("loss");
        sd.setLossVariables("loss");
        Map<String, INDArray> in = Map.of("x", input(16, 32, 2.0));

        PlanCache.Execution planned = PlanCache.forGradients(sd, List.of("loss"), List.of("w", "b", "x")).run(in);
        Sessions.useSafeSession(sd);
        Map<String, INDArray> session = sd.calculateGradients(in, "w", "b", "x");
        for (String v : List.of("w", "b", "x")) {
            assertClose(session.get(v), planned.gradients().get(v));
        }
        assertTrue(OpSchedule.readsOnlyTheShape(new org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.SubBpOp(), 1));
        assertTrue(!OpSchedule.readsOnlyTheShape(new org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.SubBpOp(), 2),
                "the output gradient is read");
    }

    @Test
    void theGradientsOfASumOfOneShapeAreItsGradientAndABroadcastSumsGradientIsStillReduced() {
        // a + b: both gradients are the sum's (one buffer, two names: it stays alive until both are read);
        // s + row broadcasts row, whose gradient add_bp still reduces
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 16);
        SDVariable w = sd.var("w", Nd4j.linspace(-1, 1, 16 * 16, DataType.FLOAT).reshape(16, 16).divi(4));
        SDVariable row = sd.var("row", Nd4j.linspace(-0.5, 0.5, 16, DataType.FLOAT).reshape(1, 16));
        SDVariable a = sd.math().tanh(x.mmul(w));
        SDVariable b = sd.math().sin(x.mul(3.0)).mmul(w);
        SDVariable s = a.add(b);
        sd.math().cos(s.add(row).mul(2.0)).mmul(w).sum().rename("loss");
        sd.setLossVariables("loss");
        Map<String, INDArray> in = Map.of("x", input(8, 16, 2.0));

        PlanCache cache = PlanCache.forGradients(sd, List.of("loss"), List.of("w", "row", "x"));
        PlanCache.Execution planned = cache.run(in);
        Sessions.useSafeSession(sd);
        Map<String, INDArray> session = sd.calculateGradients(in, "w", "row", "x");
        for (String v : List.of("w", "row", "x")) {
            assertClose(session.get(v), planned.gradients().get(v));
        }
        GraphPlan plan = GraphPlan.compile(sd.getFunction("grad"), in, List.of(w.getGradient().name(),
                row.getGradient().name(), x.getGradient().name()));
        assertEquals(1, plan.opNames().stream().filter("add_bp"::equals).count(), "only the broadcast's add_bp runs");
    }

    @Test
    void aMeanOverThePixelsRunsAsAveragePoolingAndKeepsItsGradient() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 6, 5, 8);
        SDVariable w = sd.var("w", Nd4j.linspace(-1, 1, 8, DataType.FLOAT));
        SDVariable m = x.mul(w).mean(false, 1, 2).rename("m");          // [B, 8]
        SDVariable other = x.mean(false, 1).rename("other");            // [B, 5, 8]: stays a reduction
        sd.math().sin(m).sum().add(other.sum()).rename("loss");
        sd.setLossVariables("loss");
        INDArray in = Nd4j.linspace(-3, 3, 2 * 6 * 5 * 8, DataType.FLOAT).reshape(2, 6, 5, 8);

        GraphPlan plan = GraphPlan.compile(sd, Map.of("x", in), List.of("m", "other"));
        INDArray expected = in.mul(sd.getArrForVarName("w").reshape(1, 1, 1, 8)).mean(1, 2);
        assertClose(expected, plan.outputs().get("m"));
        assertClose(in.mean(1), plan.outputs().get("other"));
        PlanCache.Execution r = PlanCache.forGradients(sd, List.of("loss"), List.of("w", "x")).run(Map.of("x", in));
        Sessions.useSafeSession(sd);
        Map<String, INDArray> session = sd.calculateGradients(Map.of("x", in), "w", "x");
        assertClose(session.get("w"), r.gradients().get("w"));
        assertClose(session.get("x"), r.gradients().get("x"));
    }

    @Test
    void aConvolutionsInputGradientAloneIsOneTransposedConvolution() {
        // a 3x3 and a 1x1 convolution of stride 1 (NHWC, as the U-Net's), then one of stride 2: with only x's
        // gradient read, the two stride-1 convolutions' conv2d_bp become deconv2d, the stride-2 one keeps its
        // conv2d_bp; with w1's gradient read too, w1's convolution keeps its conv2d_bp
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 8, 8, 4);
        SDVariable w1 = sd.var("w1", Nd4j.linspace(-1, 1, 3 * 3 * 4 * 6, DataType.FLOAT).reshape(3, 3, 4, 6).divi(4));
        SDVariable b1 = sd.var("b1", Nd4j.linspace(-0.2, 0.3, 6, DataType.FLOAT));
        SDVariable w2 = sd.var("w2", Nd4j.linspace(1, -1, 6 * 5, DataType.FLOAT).reshape(1, 1, 6, 5).divi(2));
        SDVariable b2 = sd.var("b2", Nd4j.linspace(0.1, -0.1, 5, DataType.FLOAT));
        SDVariable w3 = sd.var("w3", Nd4j.linspace(-0.5, 0.5, 2 * 2 * 5 * 3, DataType.FLOAT).reshape(2, 2, 5, 3));
        SDVariable b3 = sd.var("b3", Nd4j.zeros(DataType.FLOAT, 3));
        var unit = org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig.builder().sH(1).sW(1).dH(1).dW(1)
                .paddingMode(org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode.VALID)
                .dataFormat(org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig.NHWC);
        SDVariable h = sd.math().tanh(sd.cnn().conv2d(x, w1, b1, unit.kH(3).kW(3).pH(1).pW(1).build()));
        h = sd.math().tanh(sd.cnn().conv2d(h, w2, b2, unit.kH(1).kW(1).pH(0).pW(0).build()));
        h = sd.cnn().conv2d(h, w3, b3, unit.kH(2).kW(2).pH(0).pW(0).sH(2).sW(2).build());
        sd.math().sin(h).sum().rename("loss");
        sd.setLossVariables("loss");
        Map<String, INDArray> in = Map.of("x", input(2 * 8 * 8, 4, 1.5).reshape(2, 8, 8, 4));

        PlanCache.Execution planned = PlanCache.forGradients(sd, List.of("loss"), List.of("x")).run(in);
        Sessions.useSafeSession(sd);
        Map<String, INDArray> session = sd.calculateGradients(in, "x", "w1");
        assertTrue(session.get("x").amaxNumber().doubleValue() > 1e-3, "a non-trivial gradient");
        // float32: oneDNN's backward-data kernel against libnd4j's conv2d_bp, sums of 36 products of terms below 1
        assertClose(session.get("x"), planned.gradients().get("x"), 1e-5);
        GraphPlan inputOnly = GraphPlan.compile(sd.getFunction("grad"), in, List.of(x.getGradient().name()));
        assertEquals(2, inputOnly.opNames().stream().filter("deconv2d"::equals).count(), inputOnly.opNames().toString());
        assertEquals(1, inputOnly.opNames().stream().filter("conv2d_bp"::equals).count(), "the stride-2 one keeps it");
        GraphPlan withW1 = GraphPlan.compile(sd.getFunction("grad"), in, List.of(x.getGradient().name(),
                w1.getGradient().name()));
        assertEquals(1, withW1.opNames().stream().filter("deconv2d"::equals).count(), withW1.opNames().toString());
        assertClose(session.get("w1"), withW1.outputs().get(w1.getGradient().name()), 1e-5);
    }

    @Test
    void aProductWhoseOtherFactorsGradientIsUnreadComputesOnlyTheReadOne() {
        // x * mask (a placeholder: its gradient is not asked for) and a constant matrix times y: SameDiff's
        // multiply_bp and matmul_bp would compute both factors' gradients; the plan runs one product for each.
        // w's product needs both gradients and keeps its matmul_bp.
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 8);
        SDVariable mask = sd.placeHolder("mask", DataType.FLOAT, -1, 8);
        SDVariable w = sd.var("w", Nd4j.linspace(-1, 1, 64, DataType.FLOAT).reshape(8, 8).divi(3));
        SDVariable interpolation = sd.constant("a", Nd4j.linspace(0, 1, 6 * 4, DataType.FLOAT).reshape(6, 4));
        SDVariable y = sd.math().tanh(x.mmul(w)).mul(mask);                       // [4, 8]
        SDVariable z = sd.mmul(interpolation, y);                                 // [6, 8]
        sd.math().sin(z.mul(2.0)).mmul(w).sum().rename("loss");
        sd.setLossVariables("loss");
        Map<String, INDArray> in = Map.of("x", input(4, 8, 2.0), "mask",
                Nd4j.createFromArray(new float[]{0, 1.25f, 1.25f, 0, 1.25f, 1.25f, 1.25f, 0}).reshape(1, 8).repeat(0, 4));

        PlanCache.Execution planned = PlanCache.forGradients(sd, List.of("loss"), List.of("w", "x")).run(in);
        Sessions.useSafeSession(sd);
        Map<String, INDArray> session = sd.calculateGradients(in, "w", "x");
        for (String v : List.of("w", "x")) {
            assertTrue(session.get(v).amaxNumber().doubleValue() > 1e-3, v + ": a non-trivial gradient");
            assertClose(session.get(v), planned.gradients().get(v));
        }
        GraphPlan plan = GraphPlan.compile(sd.getFunction("grad"), in, List.of(w.getGradient().name(),
                x.getGradient().name()));
        assertEquals(0, plan.opNames().stream().filter("multiply_bp"::equals).count(), plan.opNames().toString());
        assertEquals(2, plan.opNames().stream().filter("matmul_bp"::equals).count(), "w's two products keep theirs");
    }

    /**
     * Attention-sized batched products (q k^T and its weights times v, M K N = 2^20 per sample) run one sample at a
     * time on oneDNN, forward and backward, with the values of SameDiff's whole products; a small batched product
     * ([B, 8, 8] x [B, 8, 8]) stays whole.
     */
    @Test
    void largeBatchedProductsRunPerSampleWithTheWholeProductsValuesAndGradients() {
        SameDiff sd = SameDiff.create();
        SDVariable q = sd.placeHolder("q", DataType.FLOAT, -1, 256, 16);
        SDVariable k = sd.placeHolder("k", DataType.FLOAT, -1, 256, 16);
        SDVariable v = sd.placeHolder("v", DataType.FLOAT, -1, 256, 16);
        SDVariable scores = sd.mmul(q, k, false, true, false);                         // [B, 256, 256]
        SDVariable out = sd.mmul(sd.math().tanh(scores.mul(0.25)), v).rename("out");     // [B, 256, 16]
        SDVariable corner = out.get(SDIndex.all(), SDIndex.interval(0, 8), SDIndex.interval(0, 8));
        SDVariable small = sd.mmul(corner, corner).rename("small");                     // [B, 8, 8]
        sd.math().sin(out).sum().add(small.sum()).rename("loss");
        sd.setLossVariables("loss");
        Map<String, INDArray> in = Map.of(
                "q", Nd4j.linspace(-1, 1, 3 * 256 * 16, DataType.FLOAT).reshape(3, 256, 16),
                "k", Nd4j.linspace(1, -0.5, 3 * 256 * 16, DataType.FLOAT).reshape(3, 256, 16).muli(Nd4j.linspace(-1, 1, 16, DataType.FLOAT).reshape(1, 1, 16)),
                "v", Nd4j.linspace(-2, 2, 3 * 256 * 16, DataType.FLOAT).reshape(16, 3, 256).permute(1, 2, 0).dup('c'));

        GraphPlan plan = GraphPlan.compile(sd, in, List.of("out", "small"));
        assertEquals(2, plan.perSampleOps(), "the two attention-sized products, not the [3, 8, 8] one");
        Sessions.useSafeSession(sd);
        Map<String, INDArray> session = sd.output(in, "out", "small");
        assertClose(session.get("out"), plan.outputs().get("out"), 1e-5);
        assertClose(session.get("small"), plan.outputs().get("small"), 1e-5);
        INDArray first = plan.outputs().get("out").dup();
        assertEquals(0.0, Fixtures.maxAbsDiff(first, plan.run(in).get("out")), "the same from run to run, bit for bit");

        PlanCache.Execution planned = PlanCache.forGradients(sd, List.of("loss"), List.of("q", "k", "v")).run(in);
        Map<String, INDArray> gradients = sd.calculateGradients(in, "q", "k", "v");
        for (String name : List.of("q", "k", "v")) {
            assertTrue(gradients.get(name).amaxNumber().doubleValue() > 1e-3, name + ": a non-trivial gradient");
            assertClose(gradients.get(name), planned.gradients().get(name), 1e-5);
        }
        GraphPlan gradientPlan = GraphPlan.compile(sd.getFunction("grad"), in, List.of(q.getGradient().name(),
                k.getGradient().name(), v.getGradient().name()));
        assertEquals(4, gradientPlan.perSampleOps(), "two products and their two matmul_bp: " + gradientPlan.opNames());
    }

    /**
     * A plan runs OpenBLAS on one thread (its workers would spin against libnd4j's OpenMP threads) and gives the
     * caller's thread count back, after compiling and after each run, so products outside plans keep their threads.
     */
    @Test
    void openBlasRunsOnOneThreadInsideAPlanAndGetsItsThreadsBackAfter() {
        org.nd4j.linalg.api.blas.Blas blas = Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        try {
            blas.setMaxThreads(2);
            int token = SingleThreadedBlas.enter();
            assertEquals(1, blas.getMaxThreads());
            SingleThreadedBlas.exit(token);
            assertEquals(2, blas.getMaxThreads());
            GraphPlan plan = GraphPlan.compile(chain(8), Map.of("x", input(4, 8, 1)), List.of("z"));
            assertEquals(2, blas.getMaxThreads(), "after compiling");
            INDArray z = plan.run(Map.of("x", input(4, 8, 1))).get("z");
            assertEquals(2, blas.getMaxThreads(), "after a run");
            assertTrue(z.sumNumber().doubleValue() != 0.0);
            blas.setMaxThreads(1);
            token = SingleThreadedBlas.enter();
            SingleThreadedBlas.exit(token);
            assertEquals(1, blas.getMaxThreads(), "one thread before, one thread after");
        } finally {
            blas.setMaxThreads(before);
        }
    }
}
