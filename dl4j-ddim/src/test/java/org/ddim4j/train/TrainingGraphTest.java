package org.ddim4j.train;

import org.ddim4j.Fixtures;
import org.ddim4j.unet.UNet;
import org.ddim4j.unet.UNetArchitecture;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingGraphTest {

    @Test
    void everyTrainableTensorHasAGradientAndTheAttentionKeyBiasesAZeroOne() {
        UNet net = Fixtures.parityNetwork();
        UNetArchitecture arch = net.architecture();
        Map<String, INDArray> forward = Fixtures.npz("forward.npz");
        INDArray x = forward.get("x");
        TrainingGraph graph = new TrainingGraph(arch, net.parameters(), org.ddim4j.config.Criterion.L1);
        TrainingGraph.Pass pass = graph.run(x, forward.get("t"), Nd4j.linspace(-1, 1, x.length(), DataType.FLOAT)
                .reshape(x.shape()), 7L);

        Set<String> invariant = arch.outputInvariantParams();
        assertEquals(net.parameters().trainableNames().size(), pass.gradients().size());
        assertEquals(Set.of("down_layers.1.attentions.0.K.bias", "down_layers.1.attentions.1.K.bias",
                "mid_layers.attention.K.bias", "up_layers.1.attentions.0.K.bias", "up_layers.1.attentions.1.K.bias",
                "up_layers.1.attentions.2.K.bias"), invariant);
        for (String name : net.parameters().trainableNames()) {
            double largest = pass.gradients().get(name).amaxNumber().doubleValue();
            if (invariant.contains(name)) {
                assertEquals(0.0, largest, name);
            } else {
                assertTrue(largest > 0, name + " has a zero gradient");
            }
        }
    }
}
