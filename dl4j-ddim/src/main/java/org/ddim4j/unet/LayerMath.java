package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The functions of the U-Net whose graph has two forms: {@link PlainMath}, written as the seed's PyTorch code
 * computes them (SameDiff's sessions and DL4J layers run it), and {@link PlannedMath}, equal forms that run
 * faster in {@link org.ddim4j.graph.GraphPlan}s. The blocks call these and read the same in both.
 */
public interface LayerMath {
    /** swish(x) = x sigmoid(x). */
    SDVariable swish(GraphContext ctx, SDVariable x);

    /**
     * GroupNorm (num_groups > 0) or BatchNorm (num_groups = -1) of x + shift, x [B, H, W, C], with the norm's
     * per-channel affine; {@code shift} [B, C] is added per sample and channel (null: none).
     */
    SDVariable norm(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels, long height,
                    long width);

    /** swish(norm(x + shift)), as {@link #swish}({@link #norm}(...)). */
    SDVariable normSwish(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels, long height,
                         long width);

    /** out_proj(attention(Q h, K h, V h)) of the block's normalised input h [B, H, W, C] (no residual). */
    SDVariable attention(GraphContext ctx, AttentionBlock block, SDVariable h);
}
