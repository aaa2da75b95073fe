package org.ddim4j.graph;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.converters.ImportClassMapping;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.CustomOpDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gradient of GroupNorm and its per-channel affine in closed form, for graphs whose forward pass reads
 * stop-gradient copies of the norm's input and parameters. The op passes the affine's output y through
 * unchanged (libnd4j's {@code identity}; a {@link GraphPlan} makes it a view). With n = (x - mean) / std the
 * normalised map, std = sqrt(var + eps) (biased variance), y = gamma n + beta, g = dL/dy, and means taken over
 * a group of N = C/G H W values:
 * <ol>
 *   <li>dL/dbeta = sum over samples and pixels of g; dL/dgamma = the same sum of g n;</li>
 *   <li>dL/dn = gamma g, and dL/dx = (dL/dn - mean(dL/dn) - n mean(dL/dn n)) / std,</li>
 * </ol>
 * the second from dn_j/dx_i = (delta_ij - 1/N - n_i n_j / N) / std. Computed from Q and P, the per-channel
 * pixel means of g and of g n, scaled by gamma and averaged within groups by the [C, C] matrix A:
 * dL/dx = g (gamma / std) - n ((P gamma) A / std) - (Q gamma) A / std, five passes over the map.
 * SameDiff's automatic gradient of the composed norm (subtract, squared norm, square root, divide, depthwise
 * affine) makes about twice as many with libnd4j's slower {@code *_bp} kernels and keeps the centred map alive
 * for them (docs/PERFORMANCE.md).
 *
 * <p>{@link #applyWithSwish} passes s = y (1 + tanh y) through instead (the planned swish of half the norm:
 * {@code PlannedMath}), and the gradient first goes back through it, from y and tanh y recomputed from n, gamma and
 * beta: 0. dL/dy = g ((1 + tanh y) + y (1 - tanh^2 y)) = g (1 + tanh y)(1 + y (1 - tanh y)). So the backward pass
 * reads n alone of the block's maps, as PyTorch's GroupNorm and SiLU read their inputs alone: y and 1 + tanh y,
 * which the composed product's gradient would keep from the forward pass to the backward one, are not kept
 * (two maps per block: docs/PERFORMANCE.md).
 *
 * <p>Inputs: y, x (which receives the gradient), n, std [B, 1, 1, C], A, gamma [C], beta [C] and, for the norm
 * of x + shift, the shift [B, C] (with {@link #applyWithSwish}, s in y's place). Integer arguments: the number of
 * pixels H W, and 1 for the swish's form (0 otherwise). The gradients of y, n, std and A are zero, so SameDiff's
 * gradient of the forward chain (which starts at stop-gradients) is never run.
 *
 * <p>SameDiff copies a graph's ops by serialising them when it creates the gradient function, and finds an op's
 * class by name; the class registers its name with ND4J's op table for that. A graph holding this op can be saved
 * but loaded only where ddim4j is on the class path, so only training graphs, which are never saved, use it.
 */
public final class GroupNormGradient extends DynamicCustomOp {
    /** The op's name in SameDiff graphs. Natively it runs as libnd4j's {@code identity}. */
    public static final String OP_NAME = "ddim4j_group_norm_gradient";
    private static final String NATIVE_OP = "identity";

    static {
        ImportClassMapping.getOpNameMapping().putIfAbsent(OP_NAME, new GroupNormGradient());
    }

    /** For SameDiff's copies of a graph. */
    public GroupNormGradient() {
    }

    private GroupNormGradient(SameDiff sd, SDVariable[] inputs, long pixels, boolean swish) {
        super(null, sd, inputs, false);
        addIArgument(pixels, swish ? 1 : 0);
    }

    /**
     * Applies the op: returns y, whose gradient reaches x, gamma and beta in closed form.
     *
     * @param y         the affine's output gamma n + beta [B, H, W, C], computed from stop-gradient copies
     * @param x         the norm's input, which receives the gradient
     * @param normed    n, the normalised map [B, H, W, C]
     * @param std       sqrt(var + eps) per sample and channel, [B, 1, 1, C]
     * @param averaging the constant [C, C] matrix averaging per-channel values within groups
     * @param gamma     the affine's scale [C], which receives the gradient
     * @param beta      the affine's shift [C], which receives the gradient
     * @param pixels    H W
     */
    public static SDVariable apply(SameDiff sd, SDVariable y, SDVariable x, SDVariable normed, SDVariable std,
                                   SDVariable averaging, SDVariable gamma, SDVariable beta, long pixels) {
        return apply(sd, y, x, normed, std, averaging, gamma, beta, null, pixels);
    }

    /**
     * As {@link #apply(SameDiff, SDVariable, SDVariable, SDVariable, SDVariable, SDVariable, SDVariable, SDVariable,
     * long)} for the norm of x + shift, with {@code shift} [B, C] added to every pixel of x (null: none). The
     * shift receives the gradient too: 3. dL/dshift = the sum over the pixels of dL/dx.
     */
    public static SDVariable apply(SameDiff sd, SDVariable y, SDVariable x, SDVariable normed, SDVariable std,
                                   SDVariable averaging, SDVariable gamma, SDVariable beta, SDVariable shift,
                                   long pixels) {
        return create(sd, y, x, normed, std, averaging, gamma, beta, shift, pixels, false);
    }

    /**
     * As {@link #apply(SameDiff, SDVariable, SDVariable, SDVariable, SDVariable, SDVariable, SDVariable, SDVariable,
     * SDVariable, long)}, passing through s = y (1 + tanh y) with y = gamma n + beta, computed from stop-gradient
     * copies, and differentiating through it (0. above).
     *
     * @param swish s, the planned swish of y
     */
    public static SDVariable applyWithSwish(SameDiff sd, SDVariable swish, SDVariable x, SDVariable normed,
                                            SDVariable std, SDVariable averaging, SDVariable gamma, SDVariable beta,
                                            SDVariable shift, long pixels) {
        return create(sd, swish, x, normed, std, averaging, gamma, beta, shift, pixels, true);
    }

    private static SDVariable create(SameDiff sd, SDVariable out, SDVariable x, SDVariable normed, SDVariable std,
                                     SDVariable averaging, SDVariable gamma, SDVariable beta, SDVariable shift,
                                     long pixels, boolean swish) {
        SDVariable[] inputs = shift == null ? new SDVariable[]{out, x, normed, std, averaging, gamma, beta}
                : new SDVariable[]{out, x, normed, std, averaging, gamma, beta, shift};
        return new GroupNormGradient(sd, inputs, pixels, swish).outputVariable();
    }

    @Override
    public String opName() {
        return OP_NAME;
    }

    @Override
    public long opHash() {
        return nativeDescriptor().getHash();
    }

    @Override
    public CustomOpDescriptor getDescriptor() {
        return nativeDescriptor();
    }

    private static CustomOpDescriptor nativeDescriptor() {
        CustomOpDescriptor d = Nd4j.getExecutioner().getCustomOperations().get(NATIVE_OP);
        if (d == null) {
            throw new IllegalStateException("libnd4j has no '" + NATIVE_OP + "' op");
        }
        return d;
    }

    /** No arguments beyond its inputs (SameDiff's default looks them up in libnd4j's table, by name). */
    @Override
    public Map<String, Object> propertiesForFunction() {
        return Map.of();
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> inputTypes) {
        return List.of(inputTypes.get(0));
    }

    /**
     * y = gamma n + beta per channel of an NHWC map: a depthwise 1x1 convolution with weights gamma and bias beta (in
     * SameDiff M2.1 cheaper than a broadcast multiply and add, forward and backward; docs/PERFORMANCE.md). The norm's
     * forward pass uses it, and {@link #throughSwish} recomputes y with it.
     */
    public static SDVariable affine(SameDiff sd, SDVariable normed, SDVariable gamma, SDVariable beta, long channels) {
        Conv2DConfig pointwise = Conv2DConfig.builder().kH(1).kW(1).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat(Conv2DConfig.NHWC).build();
        return sd.cnn().depthWiseConv2d(normed, gamma.reshape(1, 1, channels, 1), beta, pointwise);
    }

    /** 0. dL/dy = g (1 + t)(1 + y (1 - t)) with y = gamma n + beta (the forward pass's affine) and t = tanh y. */
    private static SDVariable throughSwish(SameDiff sd, SDVariable g, SDVariable n, SDVariable gamma,
                                           SDVariable beta, long channels) {
        SDVariable y = affine(sd, n, gamma, beta, channels);
        SDVariable t = sd.math().tanh(y);
        return g.mul(t.add(1.0)).mul(y.mul(t.rsub(1.0)).add(1.0));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SameDiff sd = sameDiff;
        SDVariable[] in = args();
        SDVariable n = in[2];
        SDVariable std = in[3];
        SDVariable averaging = in[4];
        SDVariable gamma = in[5];
        long pixels = getIArgument(0);
        long channels = averaging.getShape()[0];
        SDVariable g = iArgs().length > 1 && getIArgument(1) == 1
                ? throughSwish(sd, gradients.get(0), n, in[5], in[6], channels) : gradients.get(0);
        // per-channel pixel means of g and g n, [B, C]
        SDVariable q = g.mean(false, 1, 2);
        SDVariable p = g.mul(n).mean(false, 1, 2);
        // 1. dL/dbeta = sum of g, dL/dgamma = sum of g n
        SDVariable dBeta = q.sum(0).mul(pixels);
        SDVariable dGamma = p.sum(0).mul(pixels);
        // 2. dL/dx = g (gamma / std) - n ((P gamma) A / std) - (Q gamma) A / std
        SDVariable scale = gamma.reshape(1, 1, 1, channels).div(std);
        SDVariable meanGN = sd.mmul(p.mul(gamma), averaging).reshape(-1, 1, 1, channels).div(std);
        SDVariable meanG = sd.mmul(q.mul(gamma), averaging).reshape(-1, 1, 1, channels).div(std);
        SDVariable dx = g.mul(scale).sub(n.mul(meanGN)).sub(meanG);
        List<SDVariable> grads = new ArrayList<>(List.of(sd.zerosLike(in[0]), dx, sd.zerosLike(n),
                sd.zerosLike(std), sd.zerosLike(averaging), dGamma, dBeta));
        if (in.length == 8) {
            // 3. dL/dshift = sum over the pixels of dL/dx (a pixel mean: an average pooling in plans)
            grads.add(dx.mean(false, 1, 2).mul(pixels));
        }
        return grads;
    }
}
