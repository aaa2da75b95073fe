package org.ddim4j.metrics;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * pytorch-fid's Inception-v3 (the network published FIDs use) as a SameDiff graph, from a state_dict with
 * torchvision's names. torchvision's {@code Inception3} up to its global average pool, with pytorch-fid's block
 * changes: in Mixed_5b-5d, 6b-6e and 7b the pooling branch averages over the real pixels only (TensorFlow's
 * {@code count_include_pad=False}), and in Mixed_7c it takes the maximum instead. Each BasicConv2d (convolution
 * without bias, BatchNorm with eps 0.001, ReLU) runs as one convolution with the BatchNorm folded into its weights
 * and bias (w s, beta - mean s with s = gamma / sqrt(var + eps): the same function up to float rounding;
 * {@code InceptionFeaturesTest} holds it to PyTorch's within 1e-4). Feature maps are channels-last (NHWC).
 * Input: {@value #INPUT} [N, 299, 299, 3] in [-1, 1]; output: {@value #OUTPUT} [N, 2048].
 */
public final class InceptionV3Graph {
    public static final String INPUT = "x";
    public static final String OUTPUT = "features";
    public static final int SIZE = 299;
    public static final int FEATURES = 2048;
    private static final double BN_EPS = 1e-3;

    private final SameDiff sd = SameDiff.create();
    private final Map<String, INDArray> state;
    private final Set<String> used = new HashSet<>();

    private InceptionV3Graph(Map<String, INDArray> state) {
        this.state = state;
    }

    /** Builds the graph; every convolution and BatchNorm tensor of the state_dict must be there (fc.* is ignored). */
    public static SameDiff build(Map<String, INDArray> stateDict) {
        InceptionV3Graph g = new InceptionV3Graph(stateDict);
        SDVariable x = g.sd.placeHolder(INPUT, DataType.FLOAT, -1, SIZE, SIZE, 3);
        SDVariable h = g.conv(x, "Conv2d_1a_3x3", 3, 3, 2, 0, 0);
        h = g.conv(h, "Conv2d_2a_3x3", 3, 3, 1, 0, 0);
        h = g.conv(h, "Conv2d_2b_3x3", 3, 3, 1, 1, 1);
        h = g.maxPool(h, 2, 0);
        h = g.conv(h, "Conv2d_3b_1x1", 1, 1, 1, 0, 0);
        h = g.conv(h, "Conv2d_4a_3x3", 3, 3, 1, 0, 0);
        h = g.maxPool(h, 2, 0);
        for (String name : List.of("Mixed_5b", "Mixed_5c", "Mixed_5d")) {
            h = g.inceptionA(h, name);
        }
        h = g.inceptionB(h, "Mixed_6a");
        for (String name : List.of("Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e")) {
            h = g.inceptionC(h, name);
        }
        h = g.inceptionD(h, "Mixed_7a");
        h = g.inceptionE(h, "Mixed_7b", false);
        h = g.inceptionE(h, "Mixed_7c", true);
        h.mean(OUTPUT, 1, 2);
        for (String key : stateDict.keySet()) {
            if (!g.used.contains(key) && !key.startsWith("fc.") && !key.endsWith("num_batches_tracked")) {
                throw new IllegalArgumentException("the Inception state_dict has a tensor the network does not use: " + key);
            }
        }
        return g.sd;
    }

    /** The 1x1, 5x5 and double-3x3 branches and the pooling branch (average without padding). */
    private SDVariable inceptionA(SDVariable x, String n) {
        SDVariable b1 = conv(x, n + ".branch1x1", 1, 1, 1, 0, 0);
        SDVariable b5 = conv(conv(x, n + ".branch5x5_1", 1, 1, 1, 0, 0), n + ".branch5x5_2", 5, 5, 1, 2, 2);
        SDVariable b3 = conv(x, n + ".branch3x3dbl_1", 1, 1, 1, 0, 0);
        b3 = conv(conv(b3, n + ".branch3x3dbl_2", 3, 3, 1, 1, 1), n + ".branch3x3dbl_3", 3, 3, 1, 1, 1);
        SDVariable bp = conv(avgPoolNoPad(x), n + ".branch_pool", 1, 1, 1, 0, 0);
        return sd.concat(3, b1, b5, b3, bp);
    }

    /** The grid reduction 35 -> 17: strided 3x3, strided double 3x3, max pooling. */
    private SDVariable inceptionB(SDVariable x, String n) {
        SDVariable b3 = conv(x, n + ".branch3x3", 3, 3, 2, 0, 0);
        SDVariable bd = conv(x, n + ".branch3x3dbl_1", 1, 1, 1, 0, 0);
        bd = conv(conv(bd, n + ".branch3x3dbl_2", 3, 3, 1, 1, 1), n + ".branch3x3dbl_3", 3, 3, 2, 0, 0);
        return sd.concat(3, b3, bd, maxPool(x, 2, 0));
    }

    /** Factorised 7x7 branches (1x7 and 7x1) and the pooling branch (average without padding). */
    private SDVariable inceptionC(SDVariable x, String n) {
        SDVariable b1 = conv(x, n + ".branch1x1", 1, 1, 1, 0, 0);
        SDVariable b7 = conv(x, n + ".branch7x7_1", 1, 1, 1, 0, 0);
        b7 = conv(b7, n + ".branch7x7_2", 1, 7, 1, 0, 3);
        b7 = conv(b7, n + ".branch7x7_3", 7, 1, 1, 3, 0);
        SDVariable bd = conv(x, n + ".branch7x7dbl_1", 1, 1, 1, 0, 0);
        bd = conv(bd, n + ".branch7x7dbl_2", 7, 1, 1, 3, 0);
        bd = conv(bd, n + ".branch7x7dbl_3", 1, 7, 1, 0, 3);
        bd = conv(bd, n + ".branch7x7dbl_4", 7, 1, 1, 3, 0);
        bd = conv(bd, n + ".branch7x7dbl_5", 1, 7, 1, 0, 3);
        SDVariable bp = conv(avgPoolNoPad(x), n + ".branch_pool", 1, 1, 1, 0, 0);
        return sd.concat(3, b1, b7, bd, bp);
    }

    /** The grid reduction 17 -> 8. */
    private SDVariable inceptionD(SDVariable x, String n) {
        SDVariable b3 = conv(conv(x, n + ".branch3x3_1", 1, 1, 1, 0, 0), n + ".branch3x3_2", 3, 3, 2, 0, 0);
        SDVariable b7 = conv(x, n + ".branch7x7x3_1", 1, 1, 1, 0, 0);
        b7 = conv(b7, n + ".branch7x7x3_2", 1, 7, 1, 0, 3);
        b7 = conv(b7, n + ".branch7x7x3_3", 7, 1, 1, 3, 0);
        b7 = conv(b7, n + ".branch7x7x3_4", 3, 3, 2, 0, 0);
        return sd.concat(3, b3, b7, maxPool(x, 2, 0));
    }

    /** The expanded blocks of the 8x8 grid; the pooling branch averages without padding, or takes the maximum. */
    private SDVariable inceptionE(SDVariable x, String n, boolean maxPoolBranch) {
        SDVariable b1 = conv(x, n + ".branch1x1", 1, 1, 1, 0, 0);
        SDVariable a = conv(x, n + ".branch3x3_1", 1, 1, 1, 0, 0);
        SDVariable b3 = sd.concat(3, conv(a, n + ".branch3x3_2a", 1, 3, 1, 0, 1), conv(a, n + ".branch3x3_2b", 3, 1, 1, 1, 0));
        SDVariable d = conv(conv(x, n + ".branch3x3dbl_1", 1, 1, 1, 0, 0), n + ".branch3x3dbl_2", 3, 3, 1, 1, 1);
        SDVariable bd = sd.concat(3, conv(d, n + ".branch3x3dbl_3a", 1, 3, 1, 0, 1), conv(d, n + ".branch3x3dbl_3b", 3, 1, 1, 1, 0));
        SDVariable pooled = maxPoolBranch ? maxPool(x, 1, 1) : avgPoolNoPad(x);
        SDVariable bp = conv(pooled, n + ".branch_pool", 1, 1, 1, 0, 0);
        return sd.concat(3, b1, b3, bd, bp);
    }

    /** BasicConv2d: convolution (no bias), BatchNorm (eps 0.001, running statistics), ReLU; BatchNorm folded in. */
    private SDVariable conv(SDVariable x, String n, int kh, int kw, int stride, int ph, int pw) {
        INDArray w = tensor(n + ".conv.weight");           // [out, in, kh, kw]
        INDArray gamma = tensor(n + ".bn.weight");
        INDArray beta = tensor(n + ".bn.bias");
        INDArray mean = tensor(n + ".bn.running_mean");
        INDArray var = tensor(n + ".bn.running_var");
        if (w.rank() != 4 || w.size(2) != kh || w.size(3) != kw) {
            throw new IllegalArgumentException(n + ".conv.weight: expected a " + kh + "x" + kw + " kernel [out, in, "
                    + kh + ", " + kw + "], got " + java.util.Arrays.toString(w.shape()));
        }
        // s = gamma / sqrt(var + eps); w' = w s (per output channel); b' = beta - mean s
        INDArray s = gamma.castTo(DataType.FLOAT).div(Transforms.sqrt(var.castTo(DataType.FLOAT).add(BN_EPS), false));
        INDArray folded = w.castTo(DataType.FLOAT).permute(2, 3, 1, 0).dup('c');  // [kh, kw, in, out]
        folded.reshape(-1, s.length()).muliRowVector(s.reshape(1, s.length()));
        INDArray bias = beta.castTo(DataType.FLOAT).sub(mean.castTo(DataType.FLOAT).mul(s));
        Conv2DConfig cfg = Conv2DConfig.builder().kH(kh).kW(kw).sH(stride).sW(stride).pH(ph).pW(pw).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NHWC).build();
        SDVariable y = sd.cnn().conv2d(x, sd.constant(n + ".w", folded), sd.constant(n + ".b", bias.reshape(bias.length())), cfg);
        return sd.nn().relu(y, 0);
    }

    private INDArray tensor(String name) {
        INDArray t = state.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the Inception state_dict lacks " + name
                    + " (expected pytorch-fid's pt_inception-2015-12-05 weights, torchvision's names)");
        }
        used.add(name);
        return t;
    }

    private SDVariable maxPool(SDVariable x, int stride, int pad) {
        return sd.cnn().maxPooling2d(x, Pooling2DConfig.builder().kH(3).kW(3).sH(stride).sW(stride).pH(pad).pW(pad)
                .dH(1).dW(1).paddingMode(PaddingMode.VALID).isNHWC(true).build());
    }

    /** 3x3 average pooling, stride 1, padding 1, dividing by the number of real (not padded) pixels. */
    private SDVariable avgPoolNoPad(SDVariable x) {
        return sd.cnn().avgPooling2d(x, Pooling2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).divisor(Pooling2D.Divisor.EXCLUDE_PADDING).isNHWC(true).build());
    }
}
