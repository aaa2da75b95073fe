package org.ddim4j.unet;

import org.ddim4j.graph.GroupNormGradient;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Forms of the U-Net's functions equal to {@link PlainMath}'s (to the bit, or to rounding where said) that run
 * faster in {@link org.ddim4j.graph.GraphPlan}s, each with the test that proves it equal to the plain form.
 * Measured gains: docs/PERFORMANCE.md.
 * <ol>
 *   <li>Swish through tanh: {@code LayersTest.swishComposedWithTanhInPlansMatchesSwishAndItsDerivative}.</li>
 *   <li>The norm before a swish yields x/2 itself (gamma/2, beta/2), and a GroupNorm takes a per-channel shift
 *       into its statistics: {@code LayersTest.normSwishInPlansIsSwishOfTheNormToTheBitWithTheSameGradients}.</li>
 *   <li>GroupNorm's gradient in closed form ({@link GroupNormGradient}), in graphs that are never saved:
 *       {@code GroupNormGradientTest}.</li>
 *   <li>Attention's four projections folded into two:
 *       {@code AttentionBlockTest.foldedProjectionsGiveTheBlocksOutputAndGradients}.</li>
 * </ol>
 *
 * @param closedFormGradients whether GroupNorm's gradient is its closed form (training graphs and the
 *                            vector-Jacobian product graph; never a graph that is saved)
 */
public record PlannedMath(boolean closedFormGradients) implements LayerMath {

    /**
     * 1. swish(x) = h (1 + tanh h) with h = x / 2, since sigmoid(x) = (1 + tanh(x / 2)) / 2: a plan runs tanh on
     * oneDNN, while libnd4j's swish and its derivative are scalar {@code exp} loops.
     */
    @Override
    public SDVariable swish(GraphContext ctx, SDVariable x) {
        return swishOfHalf(ctx, x.mul(0.5));
    }

    /** swish(x) = h (1 + tanh h) from h = x / 2. */
    private static SDVariable swishOfHalf(GraphContext ctx, SDVariable h) {
        return h.mul(ctx.sd().math().tanh(h).add(1.0));
    }

    @Override
    public SDVariable norm(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels, long height,
                           long width) {
        return norm(ctx, name, x, shift, channels, height, width, 1.0, false);
    }

    /**
     * 2. swish(norm(x + shift)) with the norm's affine yielding h = norm(x + shift) / 2 itself (gamma / 2 and
     * beta / 2: halving is exact in binary floating point, so h is the same to the bit). With
     * {@link #closedFormGradients} the gradient of the swish joins the norm's closed form, which recomputes h from
     * the normalised map instead of keeping h and 1 + tanh h for the backward pass.
     */
    @Override
    public SDVariable normSwish(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels,
                                long height, long width) {
        return norm(ctx, name, x, shift, channels, height, width, 0.5, true);
    }

    /**
     * The norm of x + shift times {@code scale} (its affine's gamma and beta are scaled). A GroupNorm never forms
     * x + shift: the shift adds to the per-channel means, and the centring subtracts (group mean - shift) from x,
     * one broadcast as without it. Its variance is the pixel mean of the squares (a plan runs that mean as an
     * average pooling on oneDNN). With {@link #closedFormGradients}, its gradient is {@link GroupNormGradient}'s.
     */
    private SDVariable norm(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels,
                            long height, long width, double scale, boolean thenSwish) {
        if (shift != null && ctx.numGroups() <= 0) {
            return norm(ctx, name, Layers.shifted(x, shift, channels), null, channels, height, width, scale, thenSwish);
        }
        SameDiff sd = ctx.sd();
        SDVariable gamma = scaled(ctx.param(name + ".weight"), scale);
        SDVariable beta = scaled(ctx.param(name + ".bias"), scale);
        if (ctx.numGroups() <= 0) {
            SDVariable y = Layers.affine(sd, Layers.batchNormalised(ctx, name, x, channels, height, width), gamma, beta,
                    channels);
            return thenSwish ? swishOfHalf(ctx, y) : y;
        }
        long groups = ctx.numGroups();
        // the forward pass reads stop-gradient copies of x, the shift, gamma and beta, whose gradients SameDiff
        // builds but no plan runs: the closed form gives them
        SDVariable in = closedFormGradients ? Layers.stopGradient(sd, x) : x;
        SDVariable shiftIn = shift == null ? null : closedFormGradients ? Layers.stopGradient(sd, shift) : shift;
        SDVariable averaging = ctx.groupAveraging(channels, groups, 1, x.dataType());
        // 1. group mean for each channel: (per-channel mean over the pixels, plus the shift) A, [B, C]
        SDVariable channelMean = in.mean(false, 1, 2);
        SDVariable mean = sd.mmul(shiftIn == null ? channelMean : channelMean.add(shiftIn), averaging);
        // 2. centred = x + shift - mean = x - (mean - shift)
        SDVariable offset = shiftIn == null ? mean : mean.sub(shiftIn);
        SDVariable centred = in.sub(offset.reshape(-1, 1, 1, channels));
        // 3. biased group variance: (per-channel mean of squares) A
        SDVariable variance = sd.mmul(sd.math().square(centred).mean(false, 1, 2), averaging);
        // 4. (x - mean) / sqrt(var + eps)
        SDVariable std = sd.math().sqrt(variance.add(Layers.NORM_EPS)).reshape(-1, 1, 1, channels);
        SDVariable normed = centred.div(std);
        if (closedFormGradients) {
            SDVariable y = Layers.affine(sd, normed, Layers.stopGradient(sd, gamma), Layers.stopGradient(sd, beta),
                    channels);
            return thenSwish
                    ? GroupNormGradient.applyWithSwish(sd, swishOfHalf(ctx, y), x, normed, std, averaging, gamma, beta,
                    shift, height * width)
                    : GroupNormGradient.apply(sd, y, x, normed, std, averaging, gamma, beta, shift, height * width);
        }
        // 5. gamma (x - mean) / std + beta
        SDVariable y = Layers.affine(sd, normed, gamma, beta, channels);
        return thenSwish ? swishOfHalf(ctx, y) : y;
    }

    /**
     * 4. out_proj(attention(Q h, K h, V h)) with the four 1x1 projections folded into two (one head; W are
     * [in, out] matrices, b row vectors, s = C^-1/2, N = H W):
     * <ol>
     *   <li>scores = s (h Wq + bq)(h Wk + bk)^T = h M h^T + u h^T + (terms equal along each row), with
     *       M = s Wq Wk^T and u = s bq Wk^T [1, C]; the softmax over the keys j ignores what is constant in j
     *       (s h_i Wq bk^T and s bq bk^T), so weights = softmax(q' h^T) with q' = h M + u: h is the keys.</li>
     *   <li>out = (weights (h Wv + bv)) Wo + bo = (weights h) Wvo + bvo with Wvo = Wv Wo and bvo = bv Wo + bo,
     *       since each row of weights sums to 1.</li>
     * </ol>
     * Equal to the plain block up to rounding; the gradients reach Wq, Wk, Wv, Wo and the biases through
     * SameDiff's own ops (K's bias gets none: the output does not depend on it).
     */
    @Override
    public SDVariable attention(GraphContext ctx, AttentionBlock block, SDVariable h) {
        SameDiff sd = ctx.sd();
        String name = block.name();
        int size = block.size();
        long channels = block.channels();
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

    private static SDVariable scaled(SDVariable v, double scale) {
        return scale == 1.0 ? v : v.mul(scale);
    }
}
