package org.ddim4j.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bilinear resizing as PyTorch's {@code F.interpolate(mode="bilinear", align_corners=False)} computes it (half-pixel
 * centres, no antialiasing): separable, so a resize of [N, C, H, W] to [N, C, H', W'] is A_h x A_w^T with constant
 * interpolation matrices A [out, in]. Output pixel o reads the input at s = (o + 0.5) in/out - 0.5, clamped at 0,
 * from pixels floor(s) and floor(s) + 1 (clamped at the edge) with weights 1 - frac(s) and frac(s).
 */
public final class BilinearResize {
    private BilinearResize() {
    }

    /** The interpolation matrix [out, in]. */
    public static INDArray matrix(int in, int out, DataType type) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("resize sizes must be positive, got " + in + " -> " + out);
        }
        double[][] a = new double[out][in];
        double scale = in / (double) out;
        for (int o = 0; o < out; o++) {
            double s = Math.max(0, (o + 0.5) * scale - 0.5);
            int i0 = Math.min((int) Math.floor(s), in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            double lambda = s - i0;
            a[o][i0] += 1 - lambda;
            a[o][i1] += lambda;
        }
        return Nd4j.create(a).castTo(type);
    }

    /** Resizes images [N, C, H, W] to [N, C, height, width] (returns the input when the size is already right). */
    public static INDArray resize(INDArray images, int height, int width) {
        Images4d.check("images", images);
        long n = images.size(0);
        long c = images.size(1);
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        if (h == height && w == width) {
            return images;
        }
        DataType type = images.dataType();
        // 1. along the width: [N C H, W] x A_w^T -> [N C, H, W']
        INDArray alongWidth = images.dup('c').reshape(n * c * h, w).mmul(matrix(w, width, type).transpose());
        // 2. along the height, on the transposed planes: [N C W', H] x A_h^T -> [N C, W', H']
        INDArray transposed = alongWidth.reshape(n * c, h, width).permute(0, 2, 1).dup('c').reshape(n * c * width, h);
        INDArray both = transposed.mmul(matrix(h, height, type).transpose()).reshape(n * c, width, height);
        // 3. back to [N, C, H', W']
        INDArray out = both.permute(0, 2, 1).dup('c');
        return out.reshape(n, c, height, width);
    }
}
