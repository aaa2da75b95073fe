package org.ddim4j.unet;

import org.ddim4j.graph.PlanCache;
import org.ddim4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayersTest {

    /** swish(x) and d sum(swish(x) c) / dx in double precision: x sigmoid(x), sigmoid(x) (1 + x (1 - sigmoid(x))) c. */
    private static INDArray[] reference(INDArray x, INDArray c) {
        double[] xs = x.toDoubleVector();
        double[] cs = c.toDoubleVector();
        double[] y = new double[xs.length];
        double[] g = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double s = 1 / (1 + Math.exp(-xs[i]));
            y[i] = xs[i] * s;
            g[i] = s * (1 + xs[i] * (1 - s)) * cs[i];
        }
        return new INDArray[]{Nd4j.createFromArray(y).reshape(x.shape()), Nd4j.createFromArray(g).reshape(x.shape())};
    }

    private static INDArray[] swishAndGradient(boolean planned, INDArray x, INDArray c) {
        SameDiff sd = SameDiff.create();
        GraphContext ctx = planned ? new GraphContext(sd, GraphMode.EVAL, 8)
                : new GraphContext(sd, GraphMode.EVAL, 8, sd::getVariable);
        SDVariable in = sd.var("x", x.dup());
        SDVariable y = Layers.swish(ctx, in).rename("y");
        y.mul(sd.constant("c", c)).sum().rename("loss");
        sd.setLossVariables("loss");
        PlanCache.Execution e = PlanCache.forGradients(sd, List.of("y"), List.of("x")).run(Map.of());
        return new INDArray[]{e.outputs().get("y").castTo(DataType.DOUBLE), e.gradients().get("x").castTo(DataType.DOUBLE)};
    }

    @Test
    void swishComposedWithTanhInPlansMatchesSwishAndItsDerivative() {
        INDArray x = Nd4j.linspace(-30, 30, 6001, DataType.FLOAT);
        INDArray c = Nd4j.linspace(-1, 2, 6001, DataType.FLOAT);
        INDArray[] expected = reference(x, c);
        for (boolean planned : new boolean[]{true, false}) {
            INDArray[] got = swishAndGradient(planned, x, c);
            double valueError = Fixtures.maxAbsDiff(expected[0], got[0]);
            double gradientError = Fixtures.maxAbsDiff(expected[1], got[1]);
            // float32: values up to 30 (ulp 1.9e-6), derivatives up to 1.1 times |c| <= 2
            assertTrue(valueError < 2e-6, (planned ? "planned" : "session") + " swish off by " + valueError);
            assertTrue(gradientError < 1e-6, (planned ? "planned" : "session") + " derivative off by " + gradientError);
        }
    }

    @Test
    void swishIsComposedWithTanhOnlyWhereAPlanRunsIt() {
        SameDiff planned = SameDiff.create();
        Layers.swish(new GraphContext(planned, GraphMode.EVAL, 8), planned.var("x", Nd4j.ones(DataType.FLOAT, 4)));
        SameDiff session = SameDiff.create();
        Layers.swish(new GraphContext(session, GraphMode.EVAL, 8, session::getVariable),
                session.var("x", Nd4j.ones(DataType.FLOAT, 4)));
        assertTrue(planned.getOps().values().stream().anyMatch(o -> o.getOp().opName().equals("tanh")));
        assertFalse(planned.getOps().values().stream().anyMatch(o -> o.getOp().opName().equals("swish")));
        assertTrue(session.getOps().values().stream().anyMatch(o -> o.getOp().opName().equals("swish")));
    }

    /** y = f(x) for f = normSwish or swish(norm), with dL/dx, dL/dgamma, dL/dbeta for L = sum(y c). */
    private static INDArray[] normThenSwish(boolean fused, GraphMode mode, INDArray x, INDArray c) {
        SameDiff sd = SameDiff.create();
        GraphContext ctx = new GraphContext(sd, mode, 4);
        SDVariable in = sd.var("x", x.dup());
        sd.var("n.weight", Nd4j.linspace(-1.5, 2.0, 16, DataType.FLOAT));
        sd.var("n.bias", Nd4j.linspace(0.7, -0.4, 16, DataType.FLOAT));
        SDVariable y = fused ? Layers.normSwish(ctx, "n", in, 16, 5, 3)
                : Layers.swish(ctx, Layers.norm(ctx, "n", in, 16, 5, 3));
        y.rename("y").mul(sd.constant("c", c)).sum().rename("loss");
        sd.setLossVariables("loss");
        PlanCache.Execution e = PlanCache.forGradients(sd, List.of("y"), List.of("x", "n.weight", "n.bias")).run(Map.of());
        return new INDArray[]{e.outputs().get("y").dup(), e.gradients().get("x").dup(),
                e.gradients().get("n.weight").dup(), e.gradients().get("n.bias").dup()};
    }

    @Test
    void normSwishInPlansIsSwishOfTheNormToTheBitWithTheSameGradients() {
        float[] values = new float[2 * 5 * 3 * 16];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (3 * Math.sin(0.37 * i * i) + i / 100.0);
        }
        INDArray x = Nd4j.createFromArray(values).reshape(2, 5, 3, 16);
        INDArray c = Nd4j.linspace(-1, 2, x.length(), DataType.FLOAT).reshape(x.shape());
        for (GraphMode mode : new GraphMode[]{GraphMode.EVAL, GraphMode.TRAIN}) {   // composed and closed-form gradients
            INDArray[] fused = normThenSwish(true, mode, x, c);
            INDArray[] composed = normThenSwish(false, mode, x, c);
            assertTrue(Fixtures.maxAbsDiff(fused[0], composed[0]) == 0, mode + ": values differ by "
                    + Fixtures.maxAbsDiff(fused[0], composed[0]));
            for (int i = 1; i < 4; i++) {
                double scale = composed[i].amaxNumber().doubleValue();
                double error = Fixtures.maxAbsDiff(fused[i], composed[i]);
                assertTrue(error <= 1e-6 * scale, mode + ": gradient " + i + " off by " + error + " of " + scale);
            }
        }
    }
}
