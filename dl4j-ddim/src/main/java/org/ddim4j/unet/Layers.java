package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

import java.util.List;

/**
 * The primitive layers of the U-Net, each a pair: {@code declareX} lists its tensors (PyTorch names and
 * shapes), {@code x} adds it to a graph. Feature maps inside the graph are channels-last, [B, H, W, C]: that is
 * the layout oneDNN's convolutions run in, so no activation is converted around each convolution (with
 * [B, C, H, W] libnd4j reorders every input and output, 97 of the 330 ms of a batch-16 pass of the small
 * network). GroupNorm and BatchNorm use eps 1e-6, as the seed.
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

    /**
     * swish(x) = x sigmoid(x). In a graph run by {@link GraphPlan}s it is composed with tanh, which a plan runs on
     * oneDNN, while libnd4j's swish and its derivative are scalar {@code exp} loops (per 8 M floats: swish 26.6 ms,
     * its derivative 61.9 ms; tanh 4.4 ms, its derivative 6.5 ms; the composition's four ops about 11 ms):
     * <ol>
     *   <li>h = x / 2</li>
     *   <li>swish(x) = h (1 + tanh h), since sigmoid(x) = (1 + tanh(x / 2)) / 2.</li>
     * </ol>
     * Its gradient keeps h and 1 + tanh h for the backward pass where swish keeps x: one more activation per
     * swish in a training step, for a step 14 % faster (small network, batch 16; docs/PERFORMANCE.md).
     */
    public static SDVariable swish(GraphContext ctx, SDVariable x) {
        if (!ctx.planned()) {
            return ctx.sd().nn().swish(x);
        }
        // 1. h = x / 2
        return swishOfHalf(ctx, x.mul(0.5));
    }

    /** 2. swish(x) = h (1 + tanh h), from h = x / 2. */
    private static SDVariable swishOfHalf(GraphContext ctx, SDVariable h) {
        return h.mul(ctx.sd().math().tanh(h).add(1.0));
    }

    /**
     * swish(norm(x)), as {@link #swish}({@link #norm}(...)). In a graph run by {@link GraphPlan}s the norm's affine
     * yields h = norm(x) / 2 itself, with gamma / 2 and beta / 2 (halving is exact in binary floating point, so h
     * is the same to the bit): two ops on [C] vectors instead of swish's scaling of the whole map, forward and
     * backward (small network, batch 16: 37 of the 43 full-size scalings per pass).
     */
    public static SDVariable normSwish(GraphContext ctx, String name, SDVariable x, long channels, long height,
                                       long width) {
        return normSwish(ctx, name, x, null, channels, height, width);
    }

    /**
     * swish(norm(x + shift)) for a per-sample, per-channel {@code shift} [B, C] (null: none), as the residual
     * block's time embedding. In a graph run by {@link GraphPlan}s a GroupNorm takes the shift into its
     * statistics and its centring instead of adding it to the map (see {@link #norm}).
     */
    static SDVariable normSwish(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels,
                                long height, long width) {
        if (!ctx.planned()) {
            return swish(ctx, norm(ctx, name, shifted(x, shift, channels), null, channels, height, width, 1.0));
        }
        return swishOfHalf(ctx, norm(ctx, name, x, shift, channels, height, width, 0.5));
    }

    /**
     * GroupNorm (num_groups > 0) or BatchNorm (num_groups = -1) of x [B, H, W, C], with per-channel affine.
     * GroupNorm: statistics over each group of C/G consecutive channels and all pixels, biased variance.
     *
     * <p>Written for SameDiff M2.1's costs (forward plus backward, [16, 32, 32, 32]): a broadcast multiply
     * costs about 15 ms, a broadcast divide 3 ms and a depthwise 1x1 convolution 1 ms, so the normalisation
     * divides by the standard deviation and the affine is one depthwise convolution with bias. (SameDiff's
     * variance op would save an op but its gradient is wrong in M2.1: it fails a gradient check.) Where the
     * context allows closed-form gradients, GroupNorm's is its closed form ({@link GroupNormGradient}).
     */
    public static SDVariable norm(GraphContext ctx, String name, SDVariable x, long channels, long height, long width) {
        return norm(ctx, name, x, null, channels, height, width, 1.0);
    }

    /** The norm of x + shift, with the per-sample, per-channel shift [B, C] (null: none); see the private form. */
    static SDVariable norm(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels, long height,
                           long width) {
        return norm(ctx, name, x, shift, channels, height, width, 1.0);
    }

    /**
     * The norm of x + shift ([B, C] per channel, or null) times {@code scale}: its affine's gamma and beta are
     * scaled (SameDiff differentiates the scaling). A GroupNorm in a plan never forms x + shift: the shift adds to
     * the per-channel means, and the centring subtracts (group mean - shift) from x, one broadcast as without it
     * (small network, batch 16, 32x32: the add costs 0.3 ms forward and its gradient 0.7 ms, against 0.1 ms for
     * the shift's gradient as a pixel mean of x's).
     */
    private static SDVariable norm(GraphContext ctx, String name, SDVariable x, SDVariable shift, long channels,
                                   long height, long width, double scale) {
        if (shift != null && !(ctx.planned() && ctx.numGroups() > 0)) {
            return norm(ctx, name, shifted(x, shift, channels), null, channels, height, width, scale);
        }
        SameDiff sd = ctx.sd();
        SDVariable gamma = scaled(ctx.param(name + ".weight"), scale);
        SDVariable beta = scaled(ctx.param(name + ".bias"), scale);
        SDVariable normed;
        if (ctx.numGroups() > 0) {
            // The activations keep their [B, H, W, C] layout: statistics are taken per channel, then averaged
            // within each group of C/G consecutive channels by a constant [C, C] matrix (A[c, c'] = 1 / (C/G)
            // when c and c' share a group). (SameDiff's session copies every reshape's output; a GraphPlan makes
            // it a view, but libnd4j's broadcasts against a [B, 1, G, 1] view of the statistics are 2.2-2.4x
            // slower than against [B, 1, 1, C]: measured, see docs/PERFORMANCE.md.)
            long groups = ctx.numGroups();
            // Where the context allows it, the gradient of the norm and its affine is their closed form
            // (GroupNormGradient): the forward pass reads stop-gradient copies of x, gamma and beta, whose
            // gradients SameDiff builds but no plan runs.
            boolean closedForm = ctx.closedFormGradients();
            SDVariable in = closedForm ? stopGradient(sd, x) : x;
            SDVariable shiftIn = shift == null ? null : closedForm ? stopGradient(sd, shift) : shift;
            SDVariable averaging = ctx.groupAveraging(channels, groups, 1, x.dataType());
            // 1. group mean for each channel: (per-channel mean over the pixels, plus the shift) A, [B, C]
            SDVariable channelMean = in.mean(false, 1, 2);
            SDVariable mean = sd.mmul(shiftIn == null ? channelMean : channelMean.add(shiftIn), averaging);
            // 2. centred = x + shift - mean = x - (mean - shift)
            SDVariable offset = shiftIn == null ? mean : mean.sub(shiftIn);
            SDVariable centred = in.sub(offset.reshape(-1, 1, 1, channels));
            // 3. biased group variance: (per-channel mean of squares) A. In plans the square and the pixel mean
            // (an average pooling on oneDNN) beat libnd4j's squared-norm reduction over axes 1 and 2; in
            // SameDiff's session the reduction (its sum) / (H W) makes no squared copy. (float32 statistics:
            // the parity forward pass stays within 3.3e-6 of PyTorch)
            SDVariable variance = ctx.planned()
                    ? sd.mmul(sd.math().square(centred).mean(false, 1, 2), averaging)
                    : sd.mmul(sd.squaredNorm(centred, false, 1, 2),
                            ctx.groupAveraging(channels, groups, height * width, x.dataType()));
            // 4. (x - mean) / sqrt(var + eps)
            SDVariable std = sd.math().sqrt(variance.add(NORM_EPS)).reshape(-1, 1, 1, channels);
            normed = centred.div(std);
            if (closedForm) {
                SDVariable y = affine(sd, normed, stopGradient(sd, gamma), stopGradient(sd, beta), channels);
                return GroupNormGradient.apply(sd, y, x, normed, std, averaging, gamma, beta, shift, height * width);
            }
        } else if (ctx.mode() == GraphMode.EVAL) {
            SDVariable mean = ctx.param(name + ".running_mean").reshape(1, 1, 1, channels);
            SDVariable std = sd.math().sqrt(ctx.param(name + ".running_var").add(NORM_EPS)).reshape(1, 1, 1, channels);
            normed = x.sub(mean).div(std);
        } else {
            // Training-mode BatchNorm: batch statistics over (B, H, W); the running averages are updated
            // outside the graph from the exposed mean and (biased) variance.
            SDVariable mean = x.mean(true, 0, 1, 2);
            SDVariable centred = x.sub(mean);
            SDVariable variance = sd.math().square(centred).mean(true, 0, 1, 2);
            SDVariable meanOut = sd.identity(name + ".batch_mean", mean.reshape(channels));
            SDVariable varOut = sd.identity(name + ".batch_var", variance.reshape(channels));
            ctx.recordBatchStatistics(new GraphContext.BatchStatistics(name, meanOut.name(), varOut.name(),
                    height * width));
            normed = centred.div(sd.math().sqrt(variance.add(NORM_EPS)));
        }
        return affine(sd, normed, gamma, beta, channels);
    }

    /** 5. per-channel scale and shift: a depthwise 1x1 convolution with weights gamma and bias beta. */
    private static SDVariable affine(SameDiff sd, SDVariable normed, SDVariable gamma, SDVariable beta, long channels) {
        Conv2DConfig pointwise = Conv2DConfig.builder().kH(1).kW(1).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NHWC).build();
        return sd.cnn().depthWiseConv2d(normed, gamma.reshape(1, 1, channels, 1), beta, pointwise);
    }

    private static SDVariable shifted(SDVariable x, SDVariable shift, long channels) {
        return shift == null ? x : x.add(shift.reshape(-1, 1, 1, channels));
    }

    private static SDVariable scaled(SDVariable v, double scale) {
        return scale == 1.0 ? v : v.mul(scale);
    }

    private static SDVariable stopGradient(SameDiff sd, SDVariable v) {
        return new StopGradient(sd, v).outputVariable();
    }
}
