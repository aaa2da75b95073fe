package org.ddim4j.unet;

import org.ddim4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParametersTest {

    @Test
    void trainableTensorsAreViewsOfOneVectorThatTheGraphsFollow() {
        UNet net = Fixtures.parityNetwork();
        Parameters params = net.parameters();
        Map<String, INDArray> forward = Fixtures.npz("forward.npz");
        INDArray x = forward.get("x");
        INDArray t = forward.get("t");
        net.predictNoise(x, t);                                   // plans compiled over the current arrays
        Map<String, INDArray> before = new LinkedHashMap<>();
        params.arrays().forEach((k, v) -> before.put(k, v.dup()));

        INDArray vector = params.trainableVector();
        assertEquals(params.trainableCount(), vector.length());
        vector.muli(0.9);                                         // an optimiser step, in place on the vector

        for (String name : params.trainableNames()) {
            assertEquals(0.0, Fixtures.maxAbsDiff(before.get(name).mul(0.9), params.get(name)), name + " follows the vector");
        }
        // the network predicts as one built from the scaled weights, in a plan and in SameDiff's session
        Map<String, INDArray> scaled = new LinkedHashMap<>(net.parameters().toStateDict());
        UNet fresh = UNet.fromStateDict(Fixtures.parityConfig().network(), Fixtures.parityConfig().data().shape(), scaled, "scaled");
        INDArray expected = fresh.predictNoise(x, t);
        assertTrue(Fixtures.maxAbsDiff(expected, forward.get("eps")) > 1e-3, "scaling the weights changes the output");
        assertEquals(0.0, Fixtures.maxAbsDiff(expected, net.predictNoise(x, t)), "planned pass over the updated views");
        String last = "out_norm.out";
        assertTrue(Fixtures.maxAbsDiff(fresh.activations(x, t, last).get(last), net.activations(x, t, last).get(last)) < 1e-6,
                "SameDiff's session over the updated views");
    }

    @Test
    void aCopyHasItsOwnVector() {
        Parameters params = Fixtures.parityNetwork().parameters();
        Parameters copy = params.copy();
        copy.trainableVector().assign(0);
        assertTrue(params.trainableVector().amaxNumber().doubleValue() > 0.1, "the original keeps its values");
        assertEquals(0.0, copy.get("out_conv.weight").amaxNumber().doubleValue());
    }

    @Test
    void viewsOfAVectorFollowTheTrainableLayoutAndABadVectorIsRefused() {
        Parameters params = Fixtures.parityNetwork().parameters();
        INDArray copy = params.trainableVector().dup();
        Map<String, INDArray> views = params.viewsOf(copy);
        assertEquals(params.trainableNames(), List.copyOf(views.keySet()));
        for (String name : params.trainableNames()) {
            assertEquals(0.0, Fixtures.maxAbsDiff(params.get(name), views.get(name)), name);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> params.viewsOf(Nd4j.zeros(DataType.FLOAT, params.trainableCount() - 1)));
        assertTrue(e.getMessage().contains(String.valueOf(params.trainableCount())), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> params.viewsOf(Nd4j.zeros(DataType.DOUBLE, params.trainableCount())));
    }
}
