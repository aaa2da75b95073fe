package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.imports.converters.ImportClassMapping;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.CustomOpDescriptor;

import java.util.List;
import java.util.Map;

/**
 * GroupNorm's gradient in closed form, for graphs whose normalisation is computed from a stop-gradient copy of
 * its input. The op passes the normalised map through unchanged (libnd4j's {@code identity}; a {@link GraphPlan}
 * makes it a view) and its gradient with respect to the input x is, per group of N = C/G H W values with
 * n = (x - mean) / std and std = sqrt(var + eps) (biased variance):
 * <ol>
 *   <li>dL/dx = (g - mean(g) - n mean(g n)) / std, where g = dL/dn and the means are taken over the group,</li>
 * </ol>
 * which follows from dn_j/dx_i = (delta_ij - 1/N - n_i n_j / N) / std. SameDiff's automatic gradient of the
 * composed normalisation (subtract, squared norm, square root, divide) makes several broadcasting passes with
 * libnd4j's slow {@code *_bp} kernels and keeps the centred map alive for them; this one reads g, n and std,
 * which the affine that follows keeps anyway: one norm's forward and backward pass at [16, 32, 32, 64]
 * 23-35 -> 12-13 ms, the small network's training step 20 % faster (docs/PERFORMANCE.md).
 *
 * <p>Inputs: the normalised map n [B, H, W, C], the input x (which receives the gradient), std [B, 1, 1, C]
 * and the constant [C, C] group-averaging matrix. The gradients of n, std and the matrix are zero, so
 * SameDiff's gradient of the statistics chain (which starts at a stop-gradient) is never run.
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

    /**
     * @param normed     n, the normalised map [B, H, W, C], computed from a stop-gradient copy of {@code x}
     * @param x          the normalisation's input, which receives the gradient
     * @param std        sqrt(var + eps) per sample and channel, [B, 1, 1, C]
     * @param averaging  the constant [C, C] matrix averaging per-channel means within groups
     */
    public GroupNormGradient(SameDiff sd, SDVariable normed, SDVariable x, SDVariable std, SDVariable averaging) {
        super(null, sd, new SDVariable[]{normed, x, std, averaging}, false);
    }

    /** Applies the op: returns n, whose gradient reaches {@code x} in closed form. */
    public static SDVariable apply(SameDiff sd, SDVariable normed, SDVariable x, SDVariable std, SDVariable averaging) {
        return new GroupNormGradient(sd, normed, x, std, averaging).outputVariable();
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

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SameDiff sd = sameDiff;
        SDVariable[] in = args();
        SDVariable n = in[0];
        SDVariable std = in[2];
        SDVariable averaging = in[3];
        SDVariable g = gradients.get(0);
        long channels = averaging.getShape()[0];
        // group means as per-channel pixel means averaged within groups, [B, 1, 1, C]
        SDVariable meanG = sd.mmul(g.mean(false, 1, 2), averaging).reshape(-1, 1, 1, channels);
        SDVariable meanGN = sd.mmul(g.mul(n).mean(false, 1, 2), averaging).reshape(-1, 1, 1, channels);
        // 1. dL/dx = (g - mean(g) - n mean(g n)) / std
        SDVariable dx = g.sub(n.mul(meanGN)).sub(meanG).div(std);
        return List.of(sd.zerosLike(n), dx, sd.zerosLike(std), sd.zerosLike(averaging));
    }
}
