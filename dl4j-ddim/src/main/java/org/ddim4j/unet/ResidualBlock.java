package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;

import java.util.List;

/**
 * The seed's residual block: h = conv_1(swish(norm_1(x))) + time_embed_proj(swish(temb)) per channel;
 * h = conv_2(dropout(swish(norm_2(h)))); out = skip(x) + h, where skip is a 1x1 conv when the channel
 * count changes.
 */
public record ResidualBlock(String name, int inChannels, int outChannels, int embedChannels, int size,
                            boolean batchNorm, double dropout) {

    void declare(List<ParamSpec> out) {
        Layers.declareNorm(out, name + ".norm_1", inChannels, batchNorm);
        Layers.declareConv(out, name + ".conv_1", outChannels, inChannels, 3);
        Layers.declareLinear(out, name + ".time_embed_proj", outChannels, embedChannels);
        Layers.declareNorm(out, name + ".norm_2", outChannels, batchNorm);
        Layers.declareConv(out, name + ".conv_2", outChannels, outChannels, 3);
        if (inChannels != outChannels) {
            Layers.declareConv(out, name + ".conv_skip", outChannels, inChannels, 1);
        }
    }

    /** @param tembSwished swish of the time embedding, [B, embed] (computed once for all blocks) */
    SDVariable apply(GraphContext ctx, SDVariable x, SDVariable tembSwished) {
        SDVariable h = Layers.normSwish(ctx, name + ".norm_1", x, inChannels, size, size);
        h = Layers.conv(ctx, name + ".conv_1", h, 3);
        // h + temb goes to norm_2 only, which takes the embedding as a per-channel shift
        SDVariable temb = Layers.linear(ctx, name + ".time_embed_proj", tembSwished);
        h = Layers.normSwish(ctx, name + ".norm_2", h, temb, outChannels, size, size);
        if (ctx.mode() == GraphMode.TRAIN && dropout > 0) {
            // Inverted dropout with a mask fed in (0 or 1/(1-p)): SameDiff's dropout ops have no gradient, and a
            // mask drawn from the training RNG keeps runs exactly repeatable and resumable.
            // (the mask is fed [B, H, W, C], the layout of the maps inside the graph)
            h = h.mul(ctx.dropoutMask(name + ".dropout_mask", outChannels, size, dropout));
        }
        h = Layers.conv(ctx, name + ".conv_2", h, 3);
        SDVariable skip = inChannels != outChannels ? Layers.conv(ctx, name + ".conv_skip", x, 1) : x;
        return skip.add(h);
    }
}
