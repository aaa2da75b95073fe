package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.List;

/**
 * Single-head self-attention over the pixels of a feature map, with a residual connection:
 * h = norm(x); q, k, v = 1x1 convs of h; w = softmax_keys(q^T k / sqrt(C)); out = x + out_proj(v w^T).
 */
public record AttentionBlock(String name, int channels, int size, boolean batchNorm) {

    void declare(List<ParamSpec> out) {
        Layers.declareNorm(out, name + ".norm", channels, batchNorm);
        for (String p : new String[]{"Q", "K", "V", "out_proj"}) {
            Layers.declareConv(out, name + "." + p, channels, channels, 1);
        }
    }

    /** The key projection's bias, which the block's output does not depend on (see {@link PlannedMath#attention}). */
    String keyBias() {
        return name + ".K.bias";
    }

    SDVariable apply(GraphContext ctx, SDVariable x) {
        SDVariable h = Layers.norm(ctx, name + ".norm", x, channels, size, size);
        return x.add(ctx.math().attention(ctx, this, h));
    }

    /**
     * Scaled dot-product attention over N positions of [B, N, C]-shaped (or [B, H, W, C]) q, k, v; [B, N, C].
     * 1. scores[b, i, j] = sum_c q[b, i, c] k[b, j, c] / sqrt(C)
     * 2. weights = softmax over j (the keys)
     * 3. out[b, i, c] = sum_j weights[b, i, j] v[b, j, c]
     */
    public static SDVariable attend(SameDiff sd, SDVariable q, SDVariable k, SDVariable v, long channels, long n) {
        SDVariable qf = q.reshape(-1, n, channels);
        SDVariable kf = k.reshape(-1, n, channels);
        SDVariable vf = v.reshape(-1, n, channels);
        SDVariable scores = sd.mmul(qf, kf, false, true, false).mul(Math.pow(channels, -0.5));
        SDVariable weights = sd.nn().softmax(scores, 2);
        return sd.mmul(weights, vf);
    }
}
