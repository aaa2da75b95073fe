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

    /** The key projection's bias, which the block's output does not depend on (see {@link #foldedAttention}). */
    String keyBias() {
        return name + ".K.bias";
    }

    SDVariable apply(GraphContext ctx, SDVariable x) {
        SDVariable h = Layers.norm(ctx, name + ".norm", x, channels, size, size);
        if (ctx.planned()) {
            return x.add(foldedAttention(ctx, h));
        }
        SDVariable q = Layers.conv(ctx, name + ".Q", h, 1);
        SDVariable k = Layers.conv(ctx, name + ".K", h, 1);
        SDVariable v = Layers.conv(ctx, name + ".V", h, 1);
        SDVariable attended = attend(ctx.sd(), q, k, v, channels, (long) size * size).reshape(-1, size, size, channels);
        return x.add(Layers.conv(ctx, name + ".out_proj", attended, 1));
    }

    /**
     * out_proj(attention(Q h, K h, V h)) with the four 1x1 projections folded into two, for graphs run by
     * {@link GraphPlan}s (one head; W are [in, out] matrices, b row vectors, s = C^-1/2, N = H W):
     * <ol>
     *   <li>scores = s (h Wq + bq)(h Wk + bk)^T = h M h^T + u h^T + (terms equal along each row), with
     *       M = s Wq Wk^T and u = s bq Wk^T [1, C]; the softmax over the keys j ignores what is constant in j
     *       (s h_i Wq bk^T and s bq bk^T), so weights = softmax(q' h^T) with q' = h M + u: h is the keys.</li>
     *   <li>out = (weights (h Wv + bv)) Wo + bo = (weights h) Wvo + bvo with Wvo = Wv Wo and bvo = bv Wo + bo,
     *       since each row of weights sums to 1.</li>
     * </ol>
     * Equal to the unfolded block up to rounding; two 1x1 convolutions and the scaling of the [B, N, N] scores
     * fewer, forward and backward, for four [C, C] products (their gradients reach Wq, Wk, Wv, Wo and the
     * biases through SameDiff's own ops). SameDiff's sessions keep the unfolded form ({@link SelfAttentionLayer}
     * in DL4J networks).
     */
    private SDVariable foldedAttention(GraphContext ctx, SDVariable h) {
        SameDiff sd = ctx.sd();
        long n = (long) size * size;
        double scale = Math.pow(channels, -0.5);
        SDVariable wq = ctx.param(name + ".Q.weight").reshape(channels, channels).mul(scale);
        SDVariable bq = ctx.param(name + ".Q.bias").reshape(1, channels).mul(scale);
        SDVariable wk = ctx.param(name + ".K.weight").reshape(channels, channels);
        SDVariable wo = ctx.param(name + ".out_proj.weight").reshape(channels, channels);
        // 1. q' = h M + u; weights = softmax_j(q' h^T)
        SDVariable m = sd.mmul(wq, wk, false, true, false).reshape(1, 1, channels, channels);
        SDVariable u = sd.mmul(bq, wk, false, true, false).reshape(channels);
        SDVariable query = Layers.conv(ctx, h, m, u, 1).reshape(-1, n, channels);
        SDVariable keys = h.reshape(-1, n, channels);
        SDVariable weights = sd.nn().softmax(sd.mmul(query, keys, false, true, false), 2);
        // 2. out = (weights h) Wvo + bvo
        SDVariable wvo = sd.mmul(ctx.param(name + ".V.weight").reshape(channels, channels), wo)
                .reshape(1, 1, channels, channels);
        SDVariable bvo = sd.mmul(ctx.param(name + ".V.bias").reshape(1, channels), wo).reshape(channels)
                .add(ctx.param(name + ".out_proj.bias"));
        SDVariable attended = sd.mmul(weights, keys).reshape(-1, size, size, channels);
        return Layers.conv(ctx, attended, wvo, bvo, 1);
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
