package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The seed's functions as its PyTorch code writes them: swish as SameDiff's swish, the norm of x + shift with the
 * variance as a mean of squares, attention through its four 1x1 projections. SameDiff's sessions and DL4J layers
 * ({@link SelfAttentionLayer}) run this form; {@link PlannedMath} is the faster form plans run.
 */
public final class PlainMath implements LayerMath {
    static final PlainMath INSTANCE = new PlainMath();

    private PlainMath() {
    }

    @Override
    public SDVariable swish(GraphContext ctx, SDVariable x) {
        return ctx.sd().nn().swish(x);
    }

    @Override
    public SDVariable norm(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels, long height,
                           long width) {
        if (shift != null) {
            return norm(ctx, name, Layers.shifted(x, shift, channels), null, channels, height, width);
        }
        SameDiff sd = ctx.sd();
        SDVariable gamma = ctx.param(name + ".weight");
        SDVariable beta = ctx.param(name + ".bias");
        if (ctx.numGroups() <= 0) {
            return Layers.affine(sd, Layers.batchNormalised(ctx, name, x, channels, height, width), gamma, beta, channels);
        }
        // GroupNorm of [B, H, W, C]: statistics per channel, averaged within each group of C/G consecutive channels
        // by the constant [C, C] matrix A (GraphContext.groupAveraging)
        long groups = ctx.numGroups();
        SDVariable averaging = ctx.groupAveraging(channels, groups, 1, x.dataType());
        // 1. group mean for each channel: (per-channel mean over the pixels) A, [B, C]
        SDVariable mean = sd.mmul(x.mean(false, 1, 2), averaging);
        // 2. centred = x - mean
        SDVariable centred = x.sub(mean.reshape(-1, 1, 1, channels));
        // 3. biased group variance: (per-channel sum of squares) A / (H W) (SameDiff M2.1's variance op would save
        //    an op, but its gradient is wrong: it fails a gradient check)
        SDVariable variance = sd.mmul(sd.squaredNorm(centred, false, 1, 2),
                ctx.groupAveraging(channels, groups, height * width, x.dataType()));
        // 4. (x - mean) / sqrt(var + eps)
        SDVariable std = sd.math().sqrt(variance.add(Layers.NORM_EPS)).reshape(-1, 1, 1, channels);
        // 5. gamma (x - mean) / std + beta
        return Layers.affine(sd, centred.div(std), gamma, beta, channels);
    }

    @Override
    public SDVariable normSwish(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels,
                                long height, long width) {
        return swish(ctx, norm(ctx, name, x, shift, channels, height, width));
    }

    /**
     * Single-head attention over the pixels: q, k, v = 1x1 convs of h; w = softmax_keys(q k^T / sqrt(C));
     * out_proj(w v).
     */
    @Override
    public SDVariable attention(GraphContext ctx, AttentionBlock block, SDVariable h) {
        String name = block.name();
        int size = block.size();
        SDVariable q = Layers.conv(ctx, name + ".Q", h, 1);
        SDVariable k = Layers.conv(ctx, name + ".K", h, 1);
        SDVariable v = Layers.conv(ctx, name + ".V", h, 1);
        SDVariable attended = AttentionBlock.attend(ctx.sd(), q, k, v, block.channels(), (long) size * size)
                .reshape(-1, size, size, block.channels());
        return Layers.conv(ctx, name + ".out_proj", attended, 1);
    }
}
