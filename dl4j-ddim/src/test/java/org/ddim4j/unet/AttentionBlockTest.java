package org.ddim4j.unet;

import org.ddim4j.graph.PlanCache;
import org.ddim4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionBlockTest {
    private static final int CHANNELS = 16;
    private static final int SIZE = 4;
    private static final AttentionBlock BLOCK = new AttentionBlock("a", CHANNELS, SIZE, false);

    /** Deterministic values of every tensor of the block, in the graph's layouts (1x1 conv weights [1, 1, in, out]). */
    private static Map<String, INDArray> parameters(double keyBiasShift) {
        Map<String, INDArray> p = new LinkedHashMap<>();
        int k = 0;
        for (String name : List.of("norm.weight", "norm.bias", "Q.weight", "Q.bias", "K.weight", "K.bias", "V.weight",
                "V.bias", "out_proj.weight", "out_proj.bias")) {
            long[] shape = name.endsWith(".weight") && !name.startsWith("norm")
                    ? new long[]{1, 1, CHANNELS, CHANNELS} : new long[]{CHANNELS};
            int n = (int) (shape.length == 1 ? CHANNELS : CHANNELS * CHANNELS);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (0.4 * Math.sin(0.7 * i + 1.3 * k) + (name.equals("norm.weight") ? 1 : 0));
            }
            INDArray a = Nd4j.createFromArray(v).reshape(shape);
            p.put("a." + name, name.equals("K.bias") ? a.add(keyBiasShift) : a);
            k++;
        }
        return p;
    }

    private static INDArray input() {
        float[] v = new float[2 * SIZE * SIZE * CHANNELS];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (2 * Math.sin(0.37 * i * i) + i / 200.0);
        }
        return Nd4j.createFromArray(v).reshape(2, SIZE, SIZE, CHANNELS);
    }

    /** The block's output and the gradients of sum(out c) (x first, then {@code wrt}), folded (planned) or not. */
    private static Map<String, INDArray> run(boolean planned, Map<String, INDArray> params, List<String> wrt) {
        SameDiff sd = SameDiff.create();
        params.forEach((name, value) -> sd.var(name, value.dup()));
        GraphContext ctx = planned ? new GraphContext(sd, GraphMode.EVAL, 4, false)
                : new GraphContext(sd, GraphMode.EVAL, 4, sd::getVariable);
        INDArray x = input();
        SDVariable out = BLOCK.apply(ctx, sd.var("x", x)).rename("out");
        out.mul(sd.constant("c", Nd4j.linspace(-1, 2, x.length(), DataType.FLOAT).reshape(x.shape()))).sum()
                .rename("loss");
        sd.setLossVariables("loss");
        List<String> variables = new ArrayList<>(List.of("x"));
        variables.addAll(wrt);
        PlanCache.Execution e = PlanCache.forGradients(sd, List.of("out"), variables).run(Map.of());
        Map<String, INDArray> result = new LinkedHashMap<>();
        result.put("out", e.outputs().get("out").dup());
        e.gradients().forEach((name, g) -> result.put(name, g.dup()));
        return result;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double error = Fixtures.maxAbsDiff(expected, actual);
        assertTrue(error <= 2e-6 * scale, what + " off by " + error + " of " + scale);
    }

    @Test
    void foldedProjectionsGiveTheBlocksOutputAndGradients() {
        List<String> dependent = new ArrayList<>(parameters(0).keySet());
        dependent.remove(BLOCK.keyBias());
        Map<String, INDArray> folded = run(true, parameters(0), dependent);
        Map<String, INDArray> unfolded = run(false, parameters(0), dependent);
        for (String name : folded.keySet()) {
            assertClose(unfolded.get(name), folded.get(name), name);
            assertTrue(folded.get(name).amaxNumber().doubleValue() > 1e-3, name + " is non-trivial");
        }
    }

    @Test
    void theKeyBiasChangesNothing() {
        Map<String, INDArray> params = parameters(0);
        Map<String, INDArray> shifted = parameters(5);
        List<String> keyBias = List.of(BLOCK.keyBias());
        Map<String, INDArray> unfolded = run(false, params, keyBias);
        Map<String, INDArray> unfoldedShifted = run(false, shifted, keyBias);
        // in the unfolded block the softmax cancels it: same output, a gradient of rounding noise
        assertClose(unfolded.get("out"), unfoldedShifted.get("out"), "output with the key bias moved by 5");
        assertTrue(unfolded.get(BLOCK.keyBias()).amaxNumber().doubleValue() < 1e-5 * unfolded.get("x").amaxNumber().doubleValue(),
                "key bias gradient " + unfolded.get(BLOCK.keyBias()));
        // the folded block does not read it
        assertEquals(0.0, Fixtures.maxAbsDiff(run(true, params, List.of()).get("out"), run(true, shifted, List.of()).get("out")));
    }

    @Test
    void foldingHappensOnlyWherePlansRunTheGraph() {
        SameDiff planned = SameDiff.create();
        SameDiff session = SameDiff.create();
        parameters(0).forEach((name, value) -> {
            planned.var(name, value.dup());
            session.var(name, value.dup());
        });
        BLOCK.apply(new GraphContext(planned, GraphMode.EVAL, 4), planned.var("x", input()));
        BLOCK.apply(new GraphContext(session, GraphMode.EVAL, 4, session::getVariable), session.var("x", input()));
        assertEquals(2, countConvolutions(planned));
        assertEquals(4, countConvolutions(session));
        assertTrue(readers(planned, BLOCK.keyBias()).isEmpty(), "the folded block reads the key bias");
        assertFalse(readers(session, BLOCK.keyBias()).isEmpty());
    }

    private static List<String> readers(SameDiff sd, String variable) {
        List<String> ops = sd.getVariables().get(variable).getInputsForOp();
        return ops == null ? List.of() : ops;
    }

    private static long countConvolutions(SameDiff sd) {
        return sd.getOps().values().stream().filter(o -> o.getOp().opName().equals("conv2d")).count();
    }
}
