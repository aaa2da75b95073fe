package org.ddim4j.unet;

import org.ddim4j.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UNetParityTest {
    private static UNet net;
    private static Map<String, INDArray> forward;

    @BeforeAll
    static void load() {
        net = Fixtures.parityNetwork();
        forward = Fixtures.npz("forward.npz");
    }

    @Test
    void forwardPassMatchesPyTorchWithin1e5() {
        INDArray eps = net.predictNoise(forward.get("x"), forward.get("t"));
        assertArrayEquals(forward.get("eps").shape(), eps.shape());
        double diff = Fixtures.maxAbsDiff(eps, forward.get("eps"));
        assertTrue(diff < 1e-5, "max |eps - reference| = " + diff);
    }

    @Test
    void intermediateActivationsMatchPyTorch() {
        Map<String, String> names = Map.of(
                "t_sinusoid", "time_embed.sinusoid",
                "t_embed", "time_embed.out",
                "h_in_conv", "in_conv.out",
                "h_down0_block0", "down_layers.0.blocks.0.out",
                "h_down0_downsample", "down_layers.0.downsample.out",
                "h_down1_attn0", "down_layers.1.blocks.0.out",
                "h_mid", "mid_layers.out",
                "h_up1_upsample", "up_layers.1.upsample.out",
                "h_out_norm", "out_norm.out");
        Map<String, INDArray> got = net.activations(forward.get("x"), forward.get("t"),
                names.values().toArray(new String[0]));
        StringBuilder report = new StringBuilder();
        boolean ok = true;
        for (Map.Entry<String, String> e : names.entrySet()) {
            INDArray ref = forward.get(e.getKey());
            INDArray mine = got.get(e.getValue());
            double diff = Arrays.equals(ref.shape(), mine.shape()) ? Fixtures.maxAbsDiff(ref, mine) : Double.NaN;
            report.append(e.getKey()).append(": ").append(diff).append('\n');
            ok &= diff < 1e-5;
        }
        assertTrue(ok, report.toString());
    }

    @Test
    void parameterCountMatchesTheReference() {
        assertEquals(1624323, net.parameters().trainableCount());
        assertEquals(268, net.parameters().specs().size());
    }
}
