package org.ddim4j.edit;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Boundaries fitted in the latent's low frequencies. The DDIM maps the coarse structure of the noise x_T to the
 * image's layout, so an attribute such as "heart" or "hat" depends mostly on the latent's k x k block sums; a
 * linear fit in all d = C H W coordinates, from fewer pairs than d, mostly fits noise (on the emoji model, 900
 * pairs, d = 3,072: held-out correlation of u.z with the score 0.14 at full resolution, 0.39 on 8 x 8 blocks).
 *
 * <p>{@link #pool} maps z [N, C, H, W] to p [N, C (H/k) (W/k)], each entry the sum of its k x k block divided by
 * k, so p is again N(0, I) when z is. {@link #lift} maps a unit normal u of p back to the full latent: each pixel
 * of block b gets u_b / k. Then z . lift(u) = pool(z) . u exactly and |lift(u)| = |u| = 1, so signed distances,
 * offsets and edits z + alpha lift(u) keep their meaning.
 */
public final class LatentPooling {
    private LatentPooling() {
    }

    /** Block sums / k of latents [N, C, H, W] as rows [N, C (H/k) (W/k)] (float64). */
    public static INDArray pool(INDArray latents, int k) {
        long[] s = check(latents.shape(), k, "latents [N, C, H, W]");
        INDArray z = latents.castTo(DataType.DOUBLE).reshape(s[0], s[1], s[2] / k, k, s[3] / k, k);
        return z.sum(3, 5).divi(k).reshape(s[0], s[1] * (s[2] / k) * (s[3] / k));
    }

    /** The pooled-space unit normal [C (H/k) (W/k)] as a full latent direction [C H W] (float32). */
    public static INDArray lift(INDArray pooledNormal, int k, long[] latentShape) {
        long[] s = check(new long[]{1, latentShape[0], latentShape[1], latentShape[2]}, k, "latent shape [C, H, W]");
        long blocks = s[1] * (s[2] / k) * (s[3] / k);
        if (pooledNormal.length() != blocks) {
            throw new IllegalArgumentException("a normal pooled " + k + "x" + k + " from [" + s[1] + ", " + s[2] + ", "
                    + s[3] + "] has " + blocks + " entries, got " + pooledNormal.length());
        }
        INDArray u = pooledNormal.castTo(DataType.DOUBLE).reshape(s[1], s[2] / k, 1, s[3] / k, 1).div(k);
        INDArray full = u.broadcast(s[1], s[2] / k, k, s[3] / k, k).dup();
        return full.reshape(s[1] * s[2] * s[3]).castTo(DataType.FLOAT);
    }

    /** A boundary fitted on {@link #pool pooled} latents, as a boundary of the full latents. */
    public static Boundary lift(Boundary pooled, int k, long[] latentShape) {
        if (k == 1) {
            return pooled;
        }
        return new Boundary(pooled.attribute(), pooled.method() + "-pool" + k, lift(pooled.normal(), k, latentShape),
                pooled.offset(), pooled.heldOutAccuracy(), pooled.restAccuracy(), latentShape);
    }

    /** The latent shape after pooling: [C, H/k, W/k]. */
    public static long[] pooledShape(long[] latentShape, int k) {
        check(new long[]{1, latentShape[0], latentShape[1], latentShape[2]}, k, "latent shape [C, H, W]");
        return new long[]{latentShape[0], latentShape[1] / k, latentShape[2] / k};
    }

    private static long[] check(long[] shape, int k, String what) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(what + " expected, got shape " + java.util.Arrays.toString(shape));
        }
        if (k < 1 || shape[2] % k != 0 || shape[3] % k != 0) {
            throw new IllegalArgumentException("pool size " + k + " must be at least 1 and divide the latent's height "
                    + shape[2] + " and width " + shape[3]);
        }
        return shape;
    }
}
