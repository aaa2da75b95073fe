package org.ddim4j.resnet;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;

/**
 * The body of a residual network in CIFAR's layout (He et al. 2016, Sec. 4.2): a 3x3 convolution, then one stage
 * per width of basic residual blocks (conv-BN-ReLU-conv-BN plus the shortcut, then ReLU), every stage after the
 * first starting with stride 2, and global average pooling into the layer {@value #POOL}. For 64-pixel inputs a
 * 5x5 stride-2 convolution comes first. Layer names: {@code stem_*}, {@code s<stage>b<block>*}, {@value #POOL};
 * callers add their head on {@value #POOL}. Convolutions pad as "same" (a stride-2 one halves the size). ResNet-20 is widths {16, 32, 64} with 3 blocks per stage.
 */
public final class CifarResNet {
    /** The name of the global average pooling layer, whose output is the network's feature vector. */
    public static final String POOL = "pool";

    private CifarResNet() {
    }

    /**
     * Adds the body to a graph builder whose input is {@code input} ([B, 3, size, size]).
     *
     * @return the name of the pooling layer ({@value #POOL})
     */
    public static String addBody(ComputationGraphConfiguration.GraphBuilder g, String input, int size, int[] widths,
                                 int blocksPerStage) {
        if (size != 16 && size != 32 && size != 64) {
            throw new IllegalArgumentException("the network takes 16, 32 or 64 pixel images, got " + size);
        }
        if (widths.length == 0 || blocksPerStage < 1) {
            throw new IllegalArgumentException("a residual network needs at least one stage and one block per stage");
        }
        String last = input;
        if (size == 64) {
            last = convBnRelu(g, "front", last, widths[0], 5, 2);
        }
        last = convBnRelu(g, "stem", last, widths[0], 3, 1);
        int channels = widths[0];
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < blocksPerStage; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                last = basicBlock(g, "s" + stage + "b" + block, last, channels, widths[stage], stride);
                channels = widths[stage];
            }
        }
        g.addLayer(POOL, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
        return POOL;
    }

    private static String convBnRelu(ComputationGraphConfiguration.GraphBuilder g, String name, String in, int out,
                                     int kernel, int stride) {
        g.addLayer(name + "_conv", new ConvolutionLayer.Builder(kernel, kernel).convolutionMode(ConvolutionMode.Same).stride(stride, stride).nOut(out)
                        .hasBias(false).activation(Activation.IDENTITY).build(), in)
                .addLayer(name + "_bn", new BatchNormalization.Builder().build(), name + "_conv")
                .addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_bn");
        return name + "_relu";
    }

    /** conv-BN-ReLU-conv-BN plus the shortcut (a strided 1x1 conv and BN when the shape changes), then ReLU. */
    private static String basicBlock(ComputationGraphConfiguration.GraphBuilder g, String name, String in, int inCh,
                                     int out, int stride) {
        String a = convBnRelu(g, name + "a", in, out, 3, stride);
        g.addLayer(name + "b_conv", new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(out).hasBias(false)
                        .activation(Activation.IDENTITY).build(), a)
                .addLayer(name + "b_bn", new BatchNormalization.Builder().build(), name + "b_conv");
        String shortcut = in;
        if (stride != 1 || inCh != out) {
            g.addLayer(name + "_sc_conv", new ConvolutionLayer.Builder(1, 1).convolutionMode(ConvolutionMode.Same).stride(stride, stride).nOut(out).hasBias(false)
                            .activation(Activation.IDENTITY).build(), in)
                    .addLayer(name + "_sc_bn", new BatchNormalization.Builder().build(), name + "_sc_conv");
            shortcut = name + "_sc_bn";
        }
        g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "b_bn", shortcut)
                .addLayer(name + "_out", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_add");
        return name + "_out";
    }
}
