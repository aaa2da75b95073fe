package org.ddim4j.invert;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Paths between two latents. DDIM latents are Gaussian, so their norms concentrate near sqrt(d): spherical
 * interpolation keeps the path at that norm (and in the region the model was trained on), while the
 * straight line between two independent latents dips to about 1/sqrt(2) of it half-way.
 */
public final class LatentInterpolation {
    private LatentInterpolation() {
    }

    /**
     * Spherical linear interpolation (Shoemake, 1985) of two latents of one shape:
     * <ol>
     *   <li>omega = arccos(a.b / (|a| |b|)), the angle between them</li>
     *   <li>slerp(t) = sin((1 - t) omega) / sin(omega) a + sin(t omega) / sin(omega) b</li>
     * </ol>
     * Nearly parallel latents (sin omega below 1e-6) fall back to the straight line, its limit.
     */
    public static INDArray slerp(INDArray a, INDArray b, double t) {
        check(a, b);
        INDArray a64 = a.castTo(DataType.DOUBLE);
        INDArray b64 = b.castTo(DataType.DOUBLE);
        double cos = a64.mul(b64).sumNumber().doubleValue() / (a64.norm2Number().doubleValue() * b64.norm2Number().doubleValue());
        double omega = Math.acos(Math.max(-1, Math.min(1, cos)));
        double sin = Math.sin(omega);
        if (sin < 1e-6) {
            return lerp(a, b, t);
        }
        return a64.mul(Math.sin((1 - t) * omega) / sin).addi(b64.mul(Math.sin(t * omega) / sin)).castTo(DataType.FLOAT);
    }

    /** The straight line: (1 - t) a + t b. */
    public static INDArray lerp(INDArray a, INDArray b, double t) {
        check(a, b);
        return a.castTo(DataType.FLOAT).mul(1 - t).addi(b.castTo(DataType.FLOAT).mul(t));
    }

    /**
     * {@code frames} latents from a to b, both ends included, stacked on a new first axis: a [C, H, W] or
     * [1, C, H, W] gives [frames, C, H, W].
     */
    public static INDArray path(INDArray a, INDArray b, int frames, boolean spherical) {
        if (frames < 2) {
            throw new IllegalArgumentException("an interpolation needs at least 2 frames, got " + frames);
        }
        if ((a.rank() == 4 && a.size(0) != 1) || (b.rank() == 4 && b.size(0) != 1)) {
            throw new IllegalArgumentException("path interpolates one latent pair: give [C, H, W] or [1, C, H, W]");
        }
        INDArray a3 = a.rank() == 4 ? a.reshape(a.shape()[1], a.shape()[2], a.shape()[3]) : a;
        INDArray b3 = b.rank() == 4 ? b.reshape(b.shape()[1], b.shape()[2], b.shape()[3]) : b;
        check(a3, b3);
        long[] shape = a3.shape();
        INDArray out = Nd4j.create(DataType.FLOAT, frames, shape[0], shape[1], shape[2]);
        for (int i = 0; i < frames; i++) {
            double t = i / (double) (frames - 1);
            out.putSlice(i, spherical ? slerp(a3, b3, t) : lerp(a3, b3, t));
        }
        return out;
    }

    private static void check(INDArray a, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("latents to interpolate differ in shape: " + Arrays.toString(a.shape())
                    + " and " + Arrays.toString(b.shape()));
        }
    }
}
