package org.ddim4j.unet;

import org.ddim4j.config.DdimConfig;
import org.ddim4j.config.NetworkConfig;
import org.nd4j.autodiff.samediff.SDVariable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The seed's U-Net laid out from a {@link NetworkConfig} and an input shape: which blocks exist, with which
 * channels, at which resolution, under which PyTorch names. Both the parameter list and the graph come from
 * this one layout.
 *
 * <pre>
 * time_embed                                sinusoid(t), Linear, swish, Linear
 * label_embed     (class-conditional only)  Linear(K, embed) of the one-hot label y, added to the time embedding;
 *                                           y = 0 (the null class) adds its bias alone
 * in_conv                                   3x3, C_in -> hidden
 * down_layers.i   (level i, size S / 2^i)   num_blocks ResidualBlocks (+ attention at attention_sizes),
 *                                           then downsample except at the last level
 * mid_layers      block_1, attention, block_2
 * up_layers.i     (run from the last level) num_blocks + 1 ResidualBlocks on concat(h, skip)
 *                                           (+ attention), then upsample except at level 0
 * out_norm, swish, out_conv                 3x3, hidden -> C_in
 * </pre>
 */
public final class UNetArchitecture {
    static final String LABEL_EMBED = "label_embed";
    private final NetworkConfig config;
    private final int inChannels;
    private final int size;
    private final TimeEmbedding timeEmbedding;
    private final List<Level> down = new ArrayList<>();
    private final ResidualBlock midBlock1;
    private final AttentionBlock midAttention;
    private final ResidualBlock midBlock2;
    private final List<Level> up = new ArrayList<>();

    private record Level(List<ResidualBlock> blocks, List<AttentionBlock> attentions, Resample resample) {
    }

    public UNetArchitecture(NetworkConfig config, int inChannels, int height, int width) {
        if (height != width) {
            throw new IllegalArgumentException("the U-Net takes square images, got " + height + "x" + width);
        }
        int factor = 1 << (config.numLevels() - 1);
        if (height % factor != 0) {
            throw new IllegalArgumentException("image size " + height + " is not divisible by 2^(levels-1) = " + factor);
        }
        if (config.classConditional() && config.numClasses() == 0) {
            throw new IllegalArgumentException("network.class_names: a class-conditional network needs its classes "
                    + "(training fills them from the dataset's labels)");
        }
        this.config = config;
        this.inChannels = inChannels;
        this.size = height;
        boolean bn = config.batchNorm();
        int hidden = config.hiddenChannels();
        int embed = config.embedChannels();
        this.timeEmbedding = new TimeEmbedding(hidden, embed);

        List<Integer> skipChannels = new ArrayList<>();
        skipChannels.add(hidden);
        int ch = hidden;
        int res = size;
        int levels = config.numLevels();
        for (int i = 0; i < levels; i++) {
            int outCh = hidden * config.channelMults().get(i);
            List<ResidualBlock> blocks = new ArrayList<>();
            List<AttentionBlock> attns = new ArrayList<>();
            for (int j = 0; j < config.numBlocks(); j++) {
                String prefix = "down_layers." + i;
                blocks.add(new ResidualBlock(prefix + ".blocks." + j, ch, outCh, embed, res, bn, config.dropout()));
                ch = outCh;
                if (config.attentionSizes().contains(res)) {
                    attns.add(new AttentionBlock(prefix + ".attentions." + j, ch, res, bn));
                }
                skipChannels.add(ch);
            }
            Resample resample = null;
            if (i != levels - 1) {
                resample = new Resample("down_layers." + i + ".downsample", ch, res, false, config.doConvSample());
                res /= 2;
                skipChannels.add(ch);
            }
            down.add(new Level(blocks, attns, resample));
        }
        midBlock1 = new ResidualBlock("mid_layers.block_1", ch, ch, embed, res, bn, config.dropout());
        midAttention = new AttentionBlock("mid_layers.attention", ch, res, bn);
        midBlock2 = new ResidualBlock("mid_layers.block_2", ch, ch, embed, res, bn, config.dropout());

        // Up path, built from the deepest level; stored so that up.get(i) is up_layers.i.
        List<Level> upReversed = new ArrayList<>();
        for (int i = levels - 1; i >= 0; i--) {
            int outCh = hidden * config.channelMults().get(i);
            List<ResidualBlock> blocks = new ArrayList<>();
            List<AttentionBlock> attns = new ArrayList<>();
            for (int j = 0; j < config.numBlocks() + 1; j++) {
                int skip = skipChannels.remove(skipChannels.size() - 1);
                String prefix = "up_layers." + i;
                blocks.add(new ResidualBlock(prefix + ".blocks." + j, ch + skip, outCh, embed, res, bn, config.dropout()));
                ch = outCh;
                if (config.attentionSizes().contains(res)) {
                    attns.add(new AttentionBlock(prefix + ".attentions." + j, ch, res, bn));
                }
            }
            Resample resample = null;
            if (i != 0) {
                resample = new Resample("up_layers." + i + ".upsample", ch, res, true, config.doConvSample());
                res *= 2;
            }
            upReversed.add(new Level(blocks, attns, resample));
        }
        Collections.reverse(upReversed);
        up.addAll(upReversed);
    }

    /** The network of a whole configuration: network section, input shape from data.shape. */
    public static UNetArchitecture of(DdimConfig config) {
        return new UNetArchitecture(config.network(), config.data().channels(), config.data().height(),
                config.data().width());
    }

    /** Number of trained values (what PyTorch's parameters() counts), without allocating them. */
    public long trainableCount() {
        return params().stream().filter(p -> p.kind().trainable()).mapToLong(ParamSpec::size).sum();
    }

    /**
     * The trainable tensors the network's output does not depend on: each attention block's key bias, which
     * adds to the scores of a query a term equal for all keys, so the softmax over the keys cancels it (its
     * gradient is zero; PyTorch computes it as rounding noise). Graphs run by plans leave it out (see
     * {@link AttentionBlock}), so gradients are taken of the other tensors only and this one's is zero.
     */
    public Set<String> outputInvariantParams() {
        Set<String> out = new LinkedHashSet<>();
        for (Level level : down) {
            level.attentions.forEach(a -> out.add(a.keyBias()));
        }
        out.add(midAttention.keyBias());
        for (Level level : up) {
            level.attentions.forEach(a -> out.add(a.keyBias()));
        }
        return out;
    }

    public NetworkConfig config() {
        return config;
    }

    /** Whether the network takes a class label ({@link NetworkConfig#classConditional()}). */
    public boolean conditional() {
        return config.classConditional();
    }

    /** Number of classes K of a conditional network's one-hot label [B, K]. */
    public int numClasses() {
        return config.numClasses();
    }

    public int inChannels() {
        return inChannels;
    }

    public int size() {
        return size;
    }

    /** Every tensor, in the order of the seed's PyTorch {@code state_dict}. */
    public List<ParamSpec> params() {
        List<ParamSpec> out = new ArrayList<>();
        timeEmbedding.declare(out);
        if (conditional()) {
            Layers.declareLinear(out, LABEL_EMBED, config.embedChannels(), numClasses());
        }
        Layers.declareConv(out, "in_conv", config.hiddenChannels(), inChannels, 3);
        for (Level level : down) {
            declareLevel(out, level);
        }
        midBlock1.declare(out);
        midAttention.declare(out);
        midBlock2.declare(out);
        for (Level level : up) {
            declareLevel(out, level);
        }
        Layers.declareNorm(out, "out_norm", config.hiddenChannels(), config.batchNorm());
        Layers.declareConv(out, "out_conv", inChannels, config.hiddenChannels(), 3);
        return out;
    }

    private static void declareLevel(List<ParamSpec> out, Level level) {
        for (ResidualBlock b : level.blocks) {
            b.declare(out);
        }
        for (AttentionBlock a : level.attentions) {
            a.declare(out);
        }
        if (level.resample != null) {
            level.resample.declare(out);
        }
    }

    /**
     * Adds the forward pass to ctx's graph, whose parameters must already exist: eps [B, C, H, W] of x
     * [B, C, H, W]. Inside, the feature maps are [B, H, W, C] (see {@link Layers}), and so are the named
     * intermediate activations ({@code in_conv.out} and the like).
     */
    public SDVariable forward(GraphContext ctx, SDVariable x, SDVariable t) {
        return forward(ctx, x, t, null);
    }

    /**
     * As {@link #forward(GraphContext, SDVariable, SDVariable)}, for a conditional network with its one-hot labels y
     * [B, K] (a zero row is the null class); y null gives every image the null class.
     */
    public SDVariable forward(GraphContext ctx, SDVariable x, SDVariable t, SDVariable y) {
        SDVariable emb = timeEmbedding.apply(ctx, t);
        if (conditional()) {
            emb = emb.add(y != null ? Layers.linear(ctx, LABEL_EMBED, y) : ctx.param(LABEL_EMBED + ".bias"));
        }
        SDVariable tembSwished = Layers.swish(ctx, emb);
        List<SDVariable> skips = new ArrayList<>();
        SDVariable h = named(ctx, "in_conv.out", Layers.conv(ctx, "in_conv", x.permute(0, 2, 3, 1), 3));
        skips.add(h);
        for (Level level : down) {
            for (int j = 0; j < level.blocks.size(); j++) {
                h = level.blocks.get(j).apply(ctx, h, tembSwished);
                if (!level.attentions.isEmpty()) {
                    h = level.attentions.get(j).apply(ctx, h);
                }
                h = named(ctx, level.blocks.get(j).name() + ".out", h);
                skips.add(h);
            }
            if (level.resample != null) {
                h = named(ctx, level.resample.name() + ".out", level.resample.apply(ctx, h));
                skips.add(h);
            }
        }
        h = midBlock1.apply(ctx, h, tembSwished);
        h = midAttention.apply(ctx, h);
        h = named(ctx, "mid_layers.out", midBlock2.apply(ctx, h, tembSwished));
        for (int i = up.size() - 1; i >= 0; i--) {
            Level level = up.get(i);
            for (int j = 0; j < level.blocks.size(); j++) {
                SDVariable skip = skips.remove(skips.size() - 1);
                h = level.blocks.get(j).apply(ctx, ctx.sd().concat(3, h, skip), tembSwished);
                if (!level.attentions.isEmpty()) {
                    h = level.attentions.get(j).apply(ctx, h);
                }
            }
            if (level.resample != null) {
                h = named(ctx, level.resample.name() + ".out", level.resample.apply(ctx, h));
            }
        }
        if (ctx.math() instanceof PlannedMath planned && planned.closedFormGradients()) {
            // a gradient graph (training, vector-Jacobian products) names no intermediate: the norm and the swish as
            // one, whose backward pass keeps the normalised map alone (PlannedMath.normSwish)
            h = Layers.normSwish(ctx, "out_norm", h, config.hiddenChannels(), size, size);
        } else {
            h = Layers.swish(ctx, named(ctx, "out_norm.out", Layers.norm(ctx, "out_norm", h, config.hiddenChannels(),
                    size, size)));
        }
        return Layers.conv(ctx, "out_conv", h, 3).permute(0, 3, 1, 2);
    }

    /** Gives an intermediate activation a stable name (a rename, not an extra op). */
    private static SDVariable named(GraphContext ctx, String name, SDVariable v) {
        return ctx.sd().identity(name, v);
    }
}
