package org.ddim4j.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Stand-in weights for pytorch-fid's Inception-v3: every tensor of the network, each element a function of the
 * tensor's name and index (below), so that Java and PyTorch build the same 21.8 M parameters without a file. They
 * serve the parity test (fixture by {@code dl4j-ddim/src/test/resources/inception/make_fixture.py}) and the
 * benchmark; features from them mean nothing for quality (use {@link InceptionWeights} for that).
 * <p>For element i of tensor n: z = splitmix64(crc32(n) + (i + 1) 0x9E3779B97F4A7C15), v = 2 (z >>> 40) / 2^24 - 1;
 * convolution weights v sqrt(6 / fan_in) (He's uniform), BatchNorm weight 1 + v / 10, bias and running mean v / 10,
 * running variance 1 + (v + 1) / 10, each computed in double and rounded once to float.
 */
public final class SyntheticInceptionWeights {
    private SyntheticInceptionWeights() {
    }

    /** v in [-1, 1) for elements 0..count-1 of the tensor called name: splitmix64 of crc32(name) + (i + 1) golden. */
    static double[] uniform(String name, int count) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        long seed = crc.getValue();
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            long z = seed + (i + 1L) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            v[i] = 2.0 * (z >>> 40) / (1 << 24) - 1.0;
        }
        return v;
    }

    static INDArray tensor(String name, long... shape) {
        int count = 1;
        for (long s : shape) {
            count *= (int) s;
        }
        double[] v = uniform(name, count);
        float[] out = new float[count];
        double fanIn = count / (double) shape[0];
        for (int i = 0; i < count; i++) {
            double x;
            if (name.endsWith("conv.weight")) {
                x = v[i] * Math.sqrt(6.0 / fanIn);
            } else if (name.endsWith("bn.weight")) {
                x = 1.0 + v[i] / 10;
            } else if (name.endsWith("bn.bias") || name.endsWith("running_mean")) {
                x = v[i] / 10;
            } else if (name.endsWith("running_var")) {
                x = 1.0 + (v[i] + 1.0) / 10;
            } else {
                throw new IllegalArgumentException(name);
            }
            out[i] = (float) x;
        }
        return Nd4j.create(out, shape, 'c');
    }

    /** Every convolution and BatchNorm tensor of pytorch-fid's network, with torchvision's names. */
    public static Map<String, INDArray> stateDict() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        conv(s, "Conv2d_1a_3x3", 3, 32, 3, 3);
        conv(s, "Conv2d_2a_3x3", 32, 32, 3, 3);
        conv(s, "Conv2d_2b_3x3", 32, 64, 3, 3);
        conv(s, "Conv2d_3b_1x1", 64, 80, 1, 1);
        conv(s, "Conv2d_4a_3x3", 80, 192, 3, 3);
        int[][] a = {{192, 32}, {256, 64}, {288, 64}};
        String[] aNames = {"Mixed_5b", "Mixed_5c", "Mixed_5d"};
        for (int i = 0; i < 3; i++) {
            String n = aNames[i];
            int in = a[i][0];
            conv(s, n + ".branch1x1", in, 64, 1, 1);
            conv(s, n + ".branch5x5_1", in, 48, 1, 1);
            conv(s, n + ".branch5x5_2", 48, 64, 5, 5);
            conv(s, n + ".branch3x3dbl_1", in, 64, 1, 1);
            conv(s, n + ".branch3x3dbl_2", 64, 96, 3, 3);
            conv(s, n + ".branch3x3dbl_3", 96, 96, 3, 3);
            conv(s, n + ".branch_pool", in, a[i][1], 1, 1);
        }
        conv(s, "Mixed_6a.branch3x3", 288, 384, 3, 3);
        conv(s, "Mixed_6a.branch3x3dbl_1", 288, 64, 1, 1);
        conv(s, "Mixed_6a.branch3x3dbl_2", 64, 96, 3, 3);
        conv(s, "Mixed_6a.branch3x3dbl_3", 96, 96, 3, 3);
        String[] cNames = {"Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"};
        int[] c7s = {128, 160, 160, 192};
        for (int i = 0; i < 4; i++) {
            String n = cNames[i];
            int c7 = c7s[i];
            conv(s, n + ".branch1x1", 768, 192, 1, 1);
            conv(s, n + ".branch7x7_1", 768, c7, 1, 1);
            conv(s, n + ".branch7x7_2", c7, c7, 1, 7);
            conv(s, n + ".branch7x7_3", c7, 192, 7, 1);
            conv(s, n + ".branch7x7dbl_1", 768, c7, 1, 1);
            conv(s, n + ".branch7x7dbl_2", c7, c7, 7, 1);
            conv(s, n + ".branch7x7dbl_3", c7, c7, 1, 7);
            conv(s, n + ".branch7x7dbl_4", c7, c7, 7, 1);
            conv(s, n + ".branch7x7dbl_5", c7, 192, 1, 7);
            conv(s, n + ".branch_pool", 768, 192, 1, 1);
        }
        conv(s, "Mixed_7a.branch3x3_1", 768, 192, 1, 1);
        conv(s, "Mixed_7a.branch3x3_2", 192, 320, 3, 3);
        conv(s, "Mixed_7a.branch7x7x3_1", 768, 192, 1, 1);
        conv(s, "Mixed_7a.branch7x7x3_2", 192, 192, 1, 7);
        conv(s, "Mixed_7a.branch7x7x3_3", 192, 192, 7, 1);
        conv(s, "Mixed_7a.branch7x7x3_4", 192, 192, 3, 3);
        String[] eNames = {"Mixed_7b", "Mixed_7c"};
        int[] eIn = {1280, 2048};
        for (int i = 0; i < 2; i++) {
            String n = eNames[i];
            int in = eIn[i];
            conv(s, n + ".branch1x1", in, 320, 1, 1);
            conv(s, n + ".branch3x3_1", in, 384, 1, 1);
            conv(s, n + ".branch3x3_2a", 384, 384, 1, 3);
            conv(s, n + ".branch3x3_2b", 384, 384, 3, 1);
            conv(s, n + ".branch3x3dbl_1", in, 448, 1, 1);
            conv(s, n + ".branch3x3dbl_2", 448, 384, 3, 3);
            conv(s, n + ".branch3x3dbl_3a", 384, 384, 1, 3);
            conv(s, n + ".branch3x3dbl_3b", 384, 384, 3, 1);
            conv(s, n + ".branch_pool", in, 192, 1, 1);
        }
        return s;
    }

    private static void conv(Map<String, INDArray> s, String n, int in, int out, int kh, int kw) {
        s.put(n + ".conv.weight", tensor(n + ".conv.weight", out, in, kh, kw));
        for (String p : new String[]{"weight", "bias", "running_mean", "running_var"}) {
            s.put(n + ".bn." + p, tensor(n + ".bn." + p, out));
        }
    }
}
