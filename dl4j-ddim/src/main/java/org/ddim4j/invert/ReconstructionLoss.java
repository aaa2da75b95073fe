package org.ddim4j.invert;

import org.ddim4j.graph.GradientFunctions;
import org.ddim4j.graph.Sessions;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far a sampler output is from a target image, as a quantity to minimise, with its gradient. The
 * sampler output x (in the model's [-1, 1] range) is first mapped to an image y = clamp((x + 1) / 2, 0, 1),
 * as the seed does; targets are images in [0, 1]. Each image of a batch has its own value (so a batch
 * inverts as its images would one by one); the gradient is that of their sum.
 *
 * <ul>
 *   <li>L1, L2: mean |y - target|, mean (y - target)^2 over the image's elements;</li>
 *   <li>LINF: max |y - target|;</li>
 *   <li>PSNR (maximised): value -PSNR = 10 log10(mse + 1e-10), PSNR = 10 log10(1 / mse) for a peak of 1;</li>
 *   <li>SSIM (maximised): value -SSIM, SSIM of Wang et al. (2004): Gaussian window 11x11, sigma 1.5, valid
 *       filtering (no padding), K1 = 0.01, K2 = 0.03, dynamic range 1, computed per channel and averaged.</li>
 * </ul>
 * The graphs are SameDiff graphs (one per loss), differentiated by SameDiff.
 *
 * <p>The clamp's gradient ({@link Clamp}): the seed's hard clamp passes no gradient where x is outside
 * [-1, 1], so a pixel that overshoots while its target is inside the range can never come back (from a
 * random start, a quarter of the pixels can be stuck so). The default {@link Clamp#INWARD} lets the gradient
 * through where it points back into the range (the pixel is above 1 and its target below 1, or below 0 and
 * its target above 0): values are unchanged, and an overshoot that matches a saturated target (a white
 * background) still costs nothing.
 */
public enum ReconstructionLoss {
    L1, L2, LINF, PSNR, SSIM;

    static final int SSIM_WINDOW = 11;
    static final double SSIM_SIGMA = 1.5;
    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;
    private static final String X = "x";
    private static final String TARGET = "target";
    private static final String PER_IMAGE = "per_image";
    private static final String TOTAL = "total";

    private final Map<String, SameDiff> graphs = new ConcurrentHashMap<>();

    /** How the gradient crosses the clamp of the image to [0, 1] (see the class comment). */
    public enum Clamp { HARD, INWARD }

    /** Per-image values [B] and the gradient of their sum with respect to x. */
    public record Evaluation(INDArray perImage, INDArray gradient) {
    }

    public static ReconstructionLoss fromName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown reconstruction loss '" + name + "'; expected psnr, ssim, l1, l2 or linf");
        }
    }

    /** Whether the natural quantity is maximised (PSNR, SSIM) rather than minimised. */
    public boolean maximised() {
        return this == PSNR || this == SSIM;
    }

    /** The value of this loss and its gradient with respect to the sampler output x (inward clamp). */
    public Evaluation evaluate(INDArray x, INDArray target) {
        return evaluate(x, target, Clamp.INWARD);
    }

    public Evaluation evaluate(INDArray x, INDArray target, Clamp clamp) {
        checkShapes(x, target);
        SameDiff sd = graph(x, clamp);
        synchronized (sd) {
            Sessions.useSafeSession(sd);
            OutAndGrad r = sd.calculateGradientsAndOutputs(Map.of(X, x.castTo(DataType.FLOAT), TARGET,
                    target.castTo(DataType.FLOAT)), List.of(PER_IMAGE), List.of(X));
            return new Evaluation(r.getOutputs().get(PER_IMAGE).dup(), r.getGradients().get(X).dup());
        }
    }

    /** Per-image values only [B]. */
    public INDArray value(INDArray x, INDArray target) {
        checkShapes(x, target);
        SameDiff sd = graph(x, Clamp.HARD);
        synchronized (sd) {
            Sessions.useSafeSession(sd);
            return sd.output(Map.of(X, x.castTo(DataType.FLOAT), TARGET, target.castTo(DataType.FLOAT)), PER_IMAGE)
                    .get(PER_IMAGE).dup();
        }
    }

    /** PSNR in dB of the images of sampler output x against targets in [0, 1], per image. */
    public static INDArray psnr(INDArray x, INDArray target) {
        return PSNR.value(x, target).negi();
    }

    /** SSIM of the images of sampler output x against targets in [0, 1], per image. */
    public static INDArray ssim(INDArray x, INDArray target) {
        return SSIM.value(x, target).negi();
    }

    /** Maps a model-range tensor ([-1, 1]) to an image tensor in [0, 1], as the sampler output is compared. */
    public static INDArray toImage(INDArray x) {
        return org.nd4j.linalg.ops.transforms.Transforms.min(
                org.nd4j.linalg.ops.transforms.Transforms.max(x.add(1).divi(2), 0.0, false), 1.0, false);
    }

    private static void checkShapes(INDArray x, INDArray target) {
        if (x.rank() != 4 || !Arrays.equals(x.shape(), target.shape())) {
            throw new IllegalArgumentException("x and target must both be [B, C, H, W] of one shape, got "
                    + Arrays.toString(x.shape()) + " and " + Arrays.toString(target.shape()));
        }
    }

    private SameDiff graph(INDArray x, Clamp clamp) {
        long c = x.size(1);
        long h = x.size(2);
        long w = x.size(3);
        if (this == SSIM && (h < SSIM_WINDOW || w < SSIM_WINDOW)) {
            throw new IllegalArgumentException("SSIM needs images of at least " + SSIM_WINDOW + "x" + SSIM_WINDOW
                    + ", got " + h + "x" + w);
        }
        return graphs.computeIfAbsent(clamp + ":" + c + "x" + h + "x" + w, k -> build(c, h, w, clamp));
    }

    private SameDiff build(long c, long h, long w, Clamp clamp) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder(X, DataType.FLOAT, -1, c, h, w);
        SDVariable target = sd.placeHolder(TARGET, DataType.FLOAT, -1, c, h, w);
        // SameDiff differentiates only graphs with a trainable variable: a scalar 0 added to x is one
        SDVariable zero = sd.var("zero", Nd4j.scalar(DataType.FLOAT, 0f));
        // 1. the image of x, as the seed compares it: clamp((x + 1) / 2, 0, 1)
        SDVariable raw = x.add(zero).add(1.0).mul(0.5);
        SDVariable y = sd.math().clipByValue(raw, 0.0, 1.0);
        if (clamp == Clamp.INWARD) {
            // y + mask (raw - stop_gradient(raw)): the same value, and gradient 1/2 where the mask is 1
            SDVariable above = raw.gt(1.0).castTo(DataType.FLOAT).mul(target.lt(1.0).castTo(DataType.FLOAT));
            SDVariable below = raw.lt(0.0).castTo(DataType.FLOAT).mul(target.gt(0.0).castTo(DataType.FLOAT));
            SDVariable frozen = new org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient(sd, raw).outputVariable();
            y = y.add(above.add(below).mul(raw.sub(frozen)));
        }
        SDVariable diff = y.sub(target);
        long n = c * h * w;
        SDVariable perImage = switch (this) {
            case L1 -> sd.math().abs(diff).reshape(-1, n).mean(1);
            case L2 -> diff.mul(diff).reshape(-1, n).mean(1);
            case LINF -> sd.math().abs(diff).reshape(-1, n).max(1);
            // -PSNR = 10 log10(mse) (peak 1); the 1e-10 keeps a perfect match finite
            case PSNR -> sd.math().log(diff.mul(diff).reshape(-1, n).mean(1).add(1e-10)).mul(10.0 / Math.log(10.0));
            case SSIM -> ssimMap(sd, y, target, c, h, w).mean(1).neg();
        };
        perImage.rename(PER_IMAGE);
        perImage.sum().rename(TOTAL);
        sd.setLossVariables(TOTAL);
        GradientFunctions.createQuietly(sd, (String[]) null);
        return sd;
    }

    /**
     * SSIM map per image, flattened to [B, C * H' * W']: local means, variances and covariance under a
     * Gaussian window (each channel filtered on its own), then Wang et al.'s Eq. 13.
     */
    private static SDVariable ssimMap(SameDiff sd, SDVariable y, SDVariable target, long c, long h, long w) {
        SDVariable kernel = sd.constant("gaussian", gaussianKernel());
        Conv2DConfig valid = Conv2DConfig.builder().kH(SSIM_WINDOW).kW(SSIM_WINDOW).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode.VALID).dataFormat("NCHW").build();
        java.util.function.Function<SDVariable, SDVariable> filter =
                v -> sd.cnn().conv2d(v.reshape(-1, 1, h, w), kernel, valid);
        SDVariable muX = filter.apply(y);
        SDVariable muY = filter.apply(target);
        SDVariable muXX = muX.mul(muX);
        SDVariable muYY = muY.mul(muY);
        SDVariable muXY = muX.mul(muY);
        SDVariable varX = filter.apply(y.mul(y)).sub(muXX);
        SDVariable varY = filter.apply(target.mul(target)).sub(muYY);
        SDVariable cov = filter.apply(y.mul(target)).sub(muXY);
        SDVariable num = muXY.mul(2).add(C1).mul(cov.mul(2).add(C2));
        SDVariable den = muXX.add(muYY).add(C1).mul(varX.add(varY).add(C2));
        long hw = (h - SSIM_WINDOW + 1) * (w - SSIM_WINDOW + 1);
        return num.div(den).reshape(-1, c * hw);
    }

    /** The normalised 11x11 Gaussian window (sigma 1.5) as a conv2d kernel [kH, kW, 1, 1]. */
    static INDArray gaussianKernel() {
        double[] g = new double[SSIM_WINDOW];
        double sum = 0;
        for (int i = 0; i < SSIM_WINDOW; i++) {
            double d = i - (SSIM_WINDOW - 1) / 2.0;
            g[i] = Math.exp(-d * d / (2 * SSIM_SIGMA * SSIM_SIGMA));
            sum += g[i];
        }
        float[] k = new float[SSIM_WINDOW * SSIM_WINDOW];
        for (int i = 0; i < SSIM_WINDOW; i++) {
            for (int j = 0; j < SSIM_WINDOW; j++) {
                k[i * SSIM_WINDOW + j] = (float) (g[i] / sum * g[j] / sum);
            }
        }
        return Nd4j.create(k, new long[]{SSIM_WINDOW, SSIM_WINDOW, 1, 1}, DataType.FLOAT);
    }
}
