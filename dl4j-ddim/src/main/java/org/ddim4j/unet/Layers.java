package org.ddim4j.unet;

import org.ddim4j.graph.GroupNormGradient;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

import java.util.List;

/**
 * The primitive layers of the U-Net, each a pair: {@code declareX} lists its tensors (PyTorch names and
 * shapes), {@code x} adds it to a graph; swish, the norms and attention in the graph's form ({@link LayerMath}).
 * Feature maps inside the graph are channels-last, [B, H, W, C], the layout oneDNN's convolutions run in, so
 * no activation is converted around each convolution (docs/PERFORMANCE.md). GroupNorm and BatchNorm use eps
 * 1e-6, as the seed.
 */
public final class Layers {
    /** Normalisation epsilon of the seed (PyTorch's default 1e-5 does not reproduce it). */
    public static final double NORM_EPS = 1e-6;

    private Layers() {
    }

    public static void declareConv(List<ParamSpec> out, String name, long outCh, long inCh, long kernel) {
        out.add(new ParamSpec(name + ".weight", ParamKind.CONV, new long[]{outCh, inCh, kernel, kernel}));
        out.add(new ParamSpec(name + ".bias", ParamKind.VECTOR, new long[]{outCh}));
    }

    public static void declareLinear(List<ParamSpec> out, String name, long outF, long inF) {
        out.add(new ParamSpec(name + ".weight", ParamKind.LINEAR, new long[]{outF, inF}));
        out.add(new ParamSpec(name + ".bias", ParamKind.VECTOR, new long[]{outF}));
    }

    public static void declareNorm(List<ParamSpec> out, String name, long channels, boolean batchNorm) {
        out.add(new ParamSpec(name + ".weight", ParamKind.VECTOR, new long[]{channels}));
        out.add(new ParamSpec(name + ".bias", ParamKind.VECTOR, new long[]{channels}));
        if (batchNorm) {
            out.add(new ParamSpec(name + ".running_mean", ParamKind.RUNNING_STAT, new long[]{channels}));
            out.add(new ParamSpec(name + ".running_var", ParamKind.RUNNING_STAT, new long[]{channels}));
            out.add(new ParamSpec(name + ".num_batches_tracked", ParamKind.COUNTER, new long[]{}));
        }
    }

    /** Square convolution of [B, H, W, C] maps, stride 1, zero padding (kernel - 1) / 2. */
    public static SDVariable conv(GraphContext ctx, String name, SDVariable x, int kernel) {
        return conv(ctx, x, ctx.param(name + ".weight"), ctx.param(name + ".bias"), kernel);
    }

    /** As {@link #conv(GraphContext, String, SDVariable, int)} with the weight [k, k, in, out] and bias given. */
    static SDVariable conv(GraphContext ctx, SDVariable x, SDVariable weight, SDVariable bias, int kernel) {
        int pad = (kernel - 1) / 2;
        Conv2DConfig cfg = Conv2DConfig.builder().kH(kernel).kW(kernel).sH(1).sW(1).pH(pad).pW(pad).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NHWC).build();
        return ctx.sd().cnn().conv2d(x, weight, bias, cfg);
    }

    /** x [B, in] times the [in, out] weight, plus bias. */
    public static SDVariable linear(GraphContext ctx, String name, SDVariable x) {
        return ctx.sd().nn().linear(x, ctx.param(name + ".weight"), ctx.param(name + ".bias"));
    }

    /** swish(x) = x sigmoid(x), in the graph's form ({@link GraphContext#math()}). */
    public static SDVariable swish(GraphContext ctx, SDVariable x) {
        return ctx.math().swish(ctx, x);
    }

    /** swish(norm(x)), in the graph's form ({@link LayerMath#normSwish}). */
    public static SDVariable normSwish(GraphContext ctx, String name, SDVariable x, long channels, long height,
                                       long width) {
        return ctx.math().normSwish(ctx, name, x, null, channels, height, width);
    }

    /** swish(norm(x + shift)) for a per-sample, per-channel {@code shift} [B, C] (the residual block's time embedding). */
    static SDVariable normSwish(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels,
                                long height, long width) {
        return ctx.math().normSwish(ctx, name, x, shift, channels, height, width);
    }

    /**
     * GroupNorm (num_groups > 0) or BatchNorm (num_groups = -1) of x [B, H, W, C], with per-channel affine, in
     * the graph's form ({@link LayerMath#norm}). GroupNorm: statistics over each group of C/G consecutive channels
     * and all pixels, biased variance.
     */
    public static SDVariable norm(GraphContext ctx, String name, SDVariable x, long channels, long height, long width) {
        return ctx.math().norm(ctx, name, x, null, channels, height, width);
    }

    /** The norm of x + shift, with the per-sample, per-channel shift [B, C] (null: none). */
    static SDVariable norm(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels, long height,
                           long width) {
        return ctx.math().norm(ctx, name, x, shift, channels, height, width);
    }

    /**
     * BatchNorm's normalisation of x [B, H, W, C], without the affine: in evaluation graphs by the running
     * statistics; in training graphs by the batch statistics over (B, H, W), exposed as {@code name.batch_mean}
     * and {@code name.batch_var} (biased) for the running averages, which are updated outside the graph.
     */
    static SDVariable batchNormalised(GraphContext ctx, String name, SDVariable x, long channels, long height,
                                      long width) {
        SameDiff sd = ctx.sd();
        if (ctx.mode() == GraphMode.EVAL) {
            SDVariable mean = ctx.param(name + ".running_mean").reshape(1, 1, 1, channels);
            SDVariable std = sd.math().sqrt(ctx.param(name + ".running_var").add(NORM_EPS)).reshape(1, 1, 1, channels);
            return x.sub(mean).div(std);
        }
        SDVariable mean = x.mean(true, 0, 1, 2);
        SDVariable centred = x.sub(mean);
        SDVariable variance = sd.math().square(centred).mean(true, 0, 1, 2);
        SDVariable meanOut = sd.identity(name + ".batch_mean", mean.reshape(channels));
        SDVariable varOut = sd.identity(name + ".batch_var", variance.reshape(channels));
        ctx.recordBatchStatistics(new GraphContext.BatchStatistics(name, meanOut.name(), varOut.name(),
                height * width));
        return centred.div(sd.math().sqrt(variance.add(NORM_EPS)));
    }

    /**
     * The norm's per-channel scale and shift, as {@link GroupNormGradient#affine} computes it (the closed-form
     * gradient recomputes it the same way, to the bit).
     */
    static SDVariable affine(SameDiff sd, SDVariable normed, SDVariable gamma, SDVariable beta, long channels) {
        return GroupNormGradient.affine(sd, normed, gamma, beta, channels);
    }

    static SDVariable shifted(SDVariable x, SDVariable shift, long channels) {
        return shift == null ? x : x.add(shift.reshape(-1, 1, 1, channels));
    }

    static SDVariable stopGradient(SameDiff sd, SDVariable v) {
        return new StopGradient(sd, v).outputVariable();
    }
}
