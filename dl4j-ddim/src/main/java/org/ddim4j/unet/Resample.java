package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Down- and up-sampling by 2, bilinear with half-pixel centres (PyTorch's align_corners=False), each followed
 * by a 3x3 conv when {@code do_conv_sample}. Bilinear x0.5 on even sizes is exactly 2x2 average pooling;
 * bilinear x2 is two products with constant interpolation matrices (SameDiff's resize op has no gradient).
 */
public record Resample(String name, int channels, int size, boolean up, boolean withConv) {

    void declare(List<ParamSpec> out) {
        if (withConv) {
            Layers.declareConv(out, name + ".conv", channels, channels, 3);
        }
    }

    /** @param x [B, size, size, C] */
    SDVariable apply(GraphContext ctx, SDVariable x) {
        SDVariable h = up ? upsample(ctx.sd(), x, channels, size) : downsample(ctx.sd(), x);
        return withConv ? Layers.conv(ctx, name + ".conv", h, 3) : h;
    }

    static SDVariable downsample(SameDiff sd, SDVariable x) {
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).isNHWC(true).build();
        return sd.cnn().avgPooling2d(x, cfg);
    }

    /**
     * Bilinear x2 of a square [B, n, n, C] map: out = U x U^T per channel and image, U the [2n, n] interpolation
     * matrix, as two plain products on the leading axis.
     */
    static SDVariable upsample(SameDiff sd, SDVariable x, long channels, int n) {
        SDVariable u = sd.constant(interpolationMatrix(n));                          // [2n, n]
        // 1. along the height: U [2n, n] x [n(h), B*n(w)*C]
        SDVariable byHeight = sd.mmul(u, x.permute(1, 0, 2, 3).reshape(n, -1));      // [2n(h), B*n(w)*C]
        // 2. along the width: U [2n, n] x [n(w), 2n(h)*B*C]
        SDVariable widthFirst = byHeight.reshape(2L * n, -1, n, channels).permute(2, 0, 1, 3).reshape(n, -1);
        SDVariable both = sd.mmul(u, widthFirst);                                    // [2n(w), 2n(h)*B*C]
        return both.reshape(2L * n, 2L * n, -1, channels).permute(2, 1, 0, 3);       // [B, 2n(h), 2n(w), C]
    }

    /** Rows: output positions i in [0, 2n), source (i + 0.5) / 2 - 0.5 clamped to [0, n - 1]. */
    static INDArray interpolationMatrix(int n) {
        float[][] m = new float[2 * n][n];
        for (int i = 0; i < 2 * n; i++) {
            double src = Math.max(0.0, (i + 0.5) / 2.0 - 0.5);
            int lo = (int) Math.floor(src);
            int hi = Math.min(lo + 1, n - 1);
            double frac = src - lo;
            m[i][lo] += (float) (1.0 - frac);
            m[i][hi] += (float) frac;
        }
        return Nd4j.createFromArray(m).castTo(DataType.FLOAT);
    }
}
