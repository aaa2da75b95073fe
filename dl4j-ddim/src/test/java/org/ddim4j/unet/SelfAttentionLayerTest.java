package org.ddim4j.unet;

import org.ddim4j.graph.Sessions;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfAttentionLayerTest {
    private static ComputationGraphConfiguration config(DataType dtype, org.nd4j.linalg.learning.config.IUpdater updater) {
        return new NeuralNetConfiguration.Builder().seed(12).dataType(dtype).updater(updater)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(6, 6, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(8)
                        .activation(Activation.TANH).build(), "in")
                .addLayer("attn", new SelfAttentionLayer.Builder().numGroups(4).build(), "conv")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "attn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build(), "pool")
                .setOutputs("out")
                .build();
    }

    @Test
    void gradientsOfTheLayerPassDl4jsGradientCheck() {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            checkGradients();
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    private void checkGradients() {
        ComputationGraph net = new ComputationGraph(config(DataType.DOUBLE, new NoOp()));
        net.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 6, 6);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 2);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[]{x}).labels(new INDArray[]{y}).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check failed");
    }

    @Test
    void trainsInsideAComputationGraph() {
        ComputationGraph net = new ComputationGraph(config(DataType.FLOAT, new Adam(1e-2)));
        net.init();
        INDArray attnBefore = net.getLayer("attn").getParam("Wq").dup();
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 3, 6, 6);
        // target: a non-linear function of the image that needs more than the conv's receptive field
        INDArray y = Nd4j.concat(1, x.max(1, 2, 3).reshape(16, 1), x.mean(1, 2, 3).reshape(16, 1));
        net.fit(new INDArray[]{x}, new INDArray[]{y});
        double first = net.score();
        for (int i = 0; i < 150; i++) {
            net.fit(new INDArray[]{x}, new INDArray[]{y});
        }
        double last = net.score();
        assertTrue(last < first * 0.2, "loss went from " + first + " to " + last);
        assertTrue(net.getLayer("attn").getParam("Wq").sub(attnBefore).amaxNumber().doubleValue() > 1e-4,
                "the attention parameters did not change");
        assertArrayEquals(new long[]{16, 8, 6, 6}, net.feedForward(x, false).get("attn").shape());
    }

    @Test
    void configurationSurvivesJsonRoundTrip() {
        ComputationGraphConfiguration c = config(DataType.FLOAT, new Adam(1e-3));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(c.toJson());
        assertEquals(c, back);
    }

    @Test
    void computesTheSameFunctionAsTheUNetsAttentionBlock() {
        // One layer, parameters copied from a U-Net attention block of the parity fixture: same outputs.
        UNet unet = org.ddim4j.Fixtures.parityNetwork();
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(8, 8, 64))
                .addLayer("attn", new SelfAttentionLayer.Builder().numGroups(8).build(), "in")
                .setOutputs("attn").build());
        net.init();
        String prefix = "mid_layers.attention.";
        for (int i = 0; i < SelfAttentionLayer.PARAM_KEYS.size(); i++) {
            // assign in place: the layer's SameDiff graph holds views of these parameter arrays
            net.getLayer("attn").getParam(SelfAttentionLayer.PARAM_KEYS.get(i))
                    .assign(unet.parameters().get(prefix + SelfAttentionLayer.TORCH_NAMES.get(i)));
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 64, 8, 8);
        INDArray viaLayer = net.outputSingle(x);
        org.nd4j.autodiff.samediff.SameDiff sd = org.nd4j.autodiff.samediff.SameDiff.create();
        for (String torchName : SelfAttentionLayer.TORCH_NAMES) {
            sd.var(prefix + torchName, unet.parameters().get(prefix + torchName));
        }
        GraphContext ctx = new GraphContext(sd, GraphMode.EVAL, 8);
        // the U-Net's blocks take channels-last maps
        new AttentionBlock("mid_layers.attention", 64, 8, false)
                .apply(ctx, sd.placeHolder("x", DataType.FLOAT, -1, 64, 8, 8).permute(0, 2, 3, 1))
                .permute(0, 3, 1, 2).rename("y");
        Sessions.useSafeSession(sd);
        INDArray direct = sd.output(java.util.Map.of("x", x), "y").get("y");
        double diff = viaLayer.sub(direct).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "layer and U-Net block differ by " + diff);
    }
}
