package org.ddim4j.graph;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.api.ops.impl.layers.convolution.AvgPooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Mean;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The peephole rewrites a {@link PlanCompiler} applies to single ops; each gives the same values as the op it
 * replaces (to the last bit, except where a faster kernel is named), each checked against SameDiff's session by a
 * test of {@code GraphPlanTest} (named beside it). Measured costs: docs/PERFORMANCE.md.
 * <ol>
 *   <li>{@link #sumWithZeros}: x + zeroslike(...) is x (SameDiff adds a stop-gradient's zero gradient);
 *       {@code aSumWithZerosIsTheOtherTermAndABroadcastStaysASum}.</li>
 *   <li>{@link #aliasOutputs}: identities, stop-gradients and {@link GroupNormGradient} alias their input; the
 *       gradients of a same-shape sum are both the sum's gradient; {@code identityOutputsAliasTheirInputAndStayCorrect},
 *       {@code theGradientsOfASumOfOneShapeAreItsGradientAndABroadcastSumsGradientIsStillReduced}.</li>
 *   <li>{@link #reshapeAsView}: a reshape of a computed array is a view of it;
 *       {@code forwardPassOfTheUNetMatchesSameDiffsAndRepeatsBitForBit}.</li>
 *   <li>{@link #oneFactorGradient}: the gradient of a product of which one factor's gradient is unread is one
 *       product; {@code aProductWhoseOtherFactorsGradientIsUnreadComputesOnlyTheReadOne}.</li>
 *   <li>{@link #declarableTanh}: SameDiff's legacy tanh runs as libnd4j's declarable tanh (oneDNN);
 *       {@code tanhRunsAsLibnd4jsDeclarableOpForwardAndBackward}.</li>
 *   <li>{@link #pixelMeanAsPooling}: a mean over the pixels of [B, H, W, C] runs as an average pooling (oneDNN);
 *       {@code aMeanOverThePixelsRunsAsAveragePoolingAndKeepsItsGradient}.</li>
 *   <li>{@link #LIBND4J_KERNEL_OPS}: products and concatenations run on libnd4j's own kernels, not oneDNN's;
 *       {@code gradientPlanOfTheUNetEqualsSameDiffsGradients}.</li>
 *   <li>{@link #convolutionInputGradient}: the gradient of a stride-1 convolution whose weight and bias gradients
 *       are unread is one transposed convolution (oneDNN's backward-data kernel);
 *       {@code aConvolutionsInputGradientAloneIsOneTransposedConvolution}.</li>
 * </ol>
 */
final class PlanRewrites {
    /**
     * Ops run with libnd4j's own kernels rather than its oneDNN helpers: oneDNN builds its primitive and reorders
     * the weights on every call, which for the U-Net's products costs more than the product (measured:
     * docs/PERFORMANCE.md). Convolutions, pooling and softmax keep oneDNN.
     */
    static final Set<String> LIBND4J_KERNEL_OPS = Set.of("matmul", "matmul_bp", "xw_plus_b", "xw_plus_b_bp",
            "concat", "concat_bp");
    /** libnd4j's declarable tanh, which runs on oneDNN (SameDiff's {@link Tanh} is a legacy scalar loop). */
    private static final DynamicCustomOp DECLARABLE_TANH = DynamicCustomOp.builder("tanh").build();

    private PlanRewrites() {
    }

    /**
     * 1. x + zeros: the output is x itself when the zeros have x's shape (as SameDiff's sums of gradients do) and
     * x is computed or a placeholder; otherwise (a broadcast, a parameter) null, and the sum is computed with
     * zeros the plan owns.
     */
    static PlanStep sumWithZeros(PlanCompiler c, SameDiffOp sdo, String[] argNames, int zero, int index) {
        SameDiff sd = c.sameDiff();
        String kept = argNames[1 - zero];
        INDArray x = c.input(sd.getVariable(kept));
        INDArray source = c.input(sd.getVariable(OpSchedule.zerosSource(sd, argNames[zero])));
        if (!Arrays.equals(x.shape(), source.shape()) || x.dataType() != sd.getVariable(argNames[zero]).dataType()
                || !c.isComputedOrPlaceholder(kept)) {
            c.pool().bindUncounted(argNames[zero],
                    c.pool().own(Nd4j.zeros(sd.getVariable(argNames[zero]).dataType(), source.shape())));
            return null;
        }
        c.pool().define(sdo.getOutputsOfOp().get(0), x);
        c.release(argNames, index);
        return PlanStep.bound(sdo.getOp());
    }

    /**
     * 2. Outputs that are their input: an identity, a stop-gradient or a {@link GroupNormGradient} of a computed
     * array or placeholder; {@code add_bp}(x, y, g) with x, y and g of one shape and type gives g twice. Null for
     * other ops. (An identity of a parameter stays an op, a copy: the parameter's array may be replaced between
     * runs, which a step's input follows and an alias would not.)
     */
    static PlanStep aliasOutputs(PlanCompiler c, DifferentialFunction df, INDArray[] args, String[] argNames,
                                 List<String> outNames, int index) {
        if (isSameShapeSumGradient(df, args) && c.isComputedOrPlaceholder(argNames[2])) {
            c.pool().define(outNames.get(0), args[2]);
            c.pool().define(outNames.get(1), args[2]);
        } else if ((df instanceof Identity || df instanceof StopGradient || df instanceof GroupNormGradient)
                && c.isComputedOrPlaceholder(argNames[0])) {
            c.pool().define(outNames.get(0), args[0]);
        } else {
            return null;
        }
        c.release(argNames, index);
        return PlanStep.bound(df);
    }

    /**
     * 3. A reshape of an op's output or a placeholder copy is a view of the same buffer, as in PyTorch: no copy
     * and no native call; null where it cannot be (a parameter's reshape stays an op: the parameter may be
     * replaced between runs).
     */
    static PlanStep reshapeAsView(PlanCompiler c, DifferentialFunction df, String[] argNames, INDArray[] args,
                                  LongShapeDescriptor shape, List<String> outNames, int index) {
        if (!(df instanceof Reshape) || !c.isComputedOrPlaceholder(argNames[0])) {
            return null;
        }
        INDArray in = args[0];
        if (in.ordering() != 'c' || !Shape.hasDefaultStridesForShape(in) || in.offset() != 0
                || in.dataType() != shape.dataType()) {
            return null;
        }
        c.pool().define(outNames.get(0), c.pool().view(in, shape.getShape()));
        c.release(argNames, index);
        return PlanStep.bound(df);
    }

    /**
     * 4. The gradient of a product whose other factor's gradient no op reads (a dropout mask's, a constant
     * interpolation matrix's) as one product: {@code multiply_bp}(x, y, g) of one shape gives g y and g x,
     * {@code matmul_bp}(a, b, g) of c = a b gives g b^T and a^T g, each as large as the product; null for other
     * ops, or when both gradients are read.
     */
    static PlanStep oneFactorGradient(PlanCompiler c, DifferentialFunction df, INDArray[] args, String[] argNames,
                                      List<String> outNames, List<PlanStep.ParameterInput> params, int index) {
        if (!(df instanceof DynamicCustomOp op) || outNames.size() != 2 || args.length != 3) {
            return null;
        }
        boolean[] read = {c.isRead(outNames.get(0)), c.isRead(outNames.get(1))};
        if (read[0] == read[1]) {
            return null;
        }
        int wanted = read[0] ? 0 : 1;
        INDArray g = args[2];
        INDArray[] inputs;
        int[] transposes;
        if (op.opName().equals("multiply_bp") && Arrays.equals(args[0].shape(), g.shape())
                && Arrays.equals(args[1].shape(), g.shape()) && args[0].dataType() == g.dataType()
                && args[1].dataType() == g.dataType()) {
            inputs = new INDArray[]{g, args[1 - wanted]};                     // d/dx = g y, d/dy = g x
            transposes = null;
        } else if (op.opName().equals("matmul_bp") && Arrays.stream(op.iArgs()).allMatch(t -> t == 0)
                && op.tArgs().length == 0 && args[0].rank() == 2 && args[1].rank() == 2) {
            inputs = wanted == 0 ? new INDArray[]{g, args[1]} : new INDArray[]{args[0], g};
            transposes = wanted == 0 ? new int[]{0, 1, 0} : new int[]{1, 0, 0};   // g b^T, a^T g
        } else {
            return null;
        }
        DynamicCustomOp product = DynamicCustomOp.builder(transposes == null ? "multiply" : "matmul")
                .addIntegerArguments(transposes == null ? new int[0] : transposes).build();
        OpContext oc = Nd4j.getExecutioner().buildContext();
        oc.allowHelpers(transposes == null);
        oc.setArgs(inputs, product.iArgs(), null, null, null);
        INDArray out = c.allocate(outNames.get(wanted), LongShapeDescriptor.fromShape(args[wanted].shape(),
                args[wanted].dataType()));
        oc.setOutputArray(0, out);
        // parameter inputs keep following replaced arrays: their index in the product's inputs
        List<PlanStep.ParameterInput> moved = new ArrayList<>();
        for (PlanStep.ParameterInput p : params) {
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] == args[p.index()] && p.index() != 2) {
                    moved.add(new PlanStep.ParameterInput(i, p.variable(), p.bound()));
                }
            }
        }
        PlanStep step = new PlanStep(product, oc, moved, null);
        GraphPlan.execute(step);
        c.pool().forget(outNames.get(1 - wanted));
        c.release(argNames, index);
        return step;
    }

    /**
     * 8. {@code conv2d_bp}(x, w, [b,] g) computes the gradients of x, w and b; where only x's is read (a
     * vector-Jacobian product with respect to the input, as inversion takes through the network), it is the
     * transposed convolution of g with the same weights: libnd4j's {@code deconv2d}, whose weights [kH, kW, oC, iC]
     * are the convolution's [kH, kW, iC, oC] as they are. For stride 1 and dilation 1 the transposed convolution
     * with the convolution's padding gives x's shape exactly; other convolutions keep {@code conv2d_bp}. (The U-Net's
     * input gradient at batch 8: conv2d_bp took 101 of its 227 ms, its forward convolutions 36.)
     */
    static PlanStep convolutionInputGradient(PlanCompiler c, DifferentialFunction df, INDArray[] args, String[] argNames,
                                             List<String> outNames, List<PlanStep.ParameterInput> params, int index) {
        if (!(df instanceof DynamicCustomOp op) || !op.opName().equals("conv2d_bp") || args.length < 3
                || outNames.size() != args.length - 1 || !c.isRead(outNames.get(0))) {
            return null;
        }
        for (int i = 1; i < outNames.size(); i++) {
            if (c.isRead(outNames.get(i))) {
                return null;
            }
        }
        long[] iArgs = op.iArgs();
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, data format, weights format
        if (iArgs.length < 9 || iArgs[2] != 1 || iArgs[3] != 1 || iArgs[6] != 1 || iArgs[7] != 1 || iArgs[8] != 0
                || args[1].rank() != 4) {
            return null;
        }
        INDArray x = args[0];
        INDArray g = args[args.length - 1];
        INDArray w = args[1];
        DynamicCustomOp transposed = DynamicCustomOp.builder("deconv2d").addIntegerArguments(
                Arrays.stream(iArgs).mapToInt(Math::toIntExact).toArray()).build();
        OpContext oc = Nd4j.getExecutioner().buildContext();
        oc.setArgs(new INDArray[]{g, w}, transposed.iArgs(), null, null, null);
        if (!Arrays.equals(transposed.calculateOutputShape(oc).get(0).getShape(), x.shape())) {
            try {
                oc.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing an op context failed", e);
            }
            return null;
        }
        oc.setOutputArray(0, c.allocate(outNames.get(0), LongShapeDescriptor.fromShape(x.shape(), x.dataType())));
        // the weights keep following a replaced parameter array: their index is 1 in both ops
        List<PlanStep.ParameterInput> moved = new ArrayList<>();
        for (PlanStep.ParameterInput p : params) {
            if (p.index() == 1) {
                moved.add(p);
            }
        }
        PlanStep step = new PlanStep(transposed, oc, moved, null);
        GraphPlan.execute(step);
        for (int i = 1; i < outNames.size(); i++) {
            c.pool().forget(outNames.get(i));
        }
        c.release(argNames, index);
        return step;
    }

    /**
     * 5. SameDiff's tanh is a legacy transform (a scalar tanhf loop); the declarable op of the same name runs on
     * oneDNN where the natives have it. Binds the context and returns the op to run.
     */
    static DifferentialFunction declarableTanh(PlanCompiler c, OpContext oc, INDArray x, String outName) {
        oc.setInputArray(0, x);
        oc.setOutputArray(0, c.allocate(outName, LongShapeDescriptor.fromShape(x.shape(), x.dataType())));
        return DECLARABLE_TANH;
    }

    /**
     * 6. The mean over the pixels of [B, H, W, C] as an average pooling over the whole map, which oneDNN runs
     * faster than libnd4j's reduction over axes 1 and 2: rebinds the context and returns the op to run; other
     * ops are returned as they are.
     */
    static DifferentialFunction pixelMeanAsPooling(DifferentialFunction df, INDArray in, INDArray out, OpContext oc) {
        if (!(df instanceof Mean mean) || !isPixelMean(mean, in)) {
            return df;
        }
        long[] s = in.shape();
        INDArray pooled = out.reshape('c', s[0], 1, 1, s[3]);
        AvgPooling2D pooling = new AvgPooling2D(in, pooled, Pooling2DConfig.builder().kH(s[1]).kW(s[2]).sH(1).sW(1)
                .pH(0).pW(0).dH(1).dW(1).paddingMode(PaddingMode.VALID).isNHWC(true).build());
        oc.setIArguments(pooling.iArgs());
        oc.setOutputArray(0, pooled);
        return pooling;
    }

    /** {@code add_bp}(x, y, gradient) with x, y and the gradient of one shape and type: no broadcast to undo. */
    private static boolean isSameShapeSumGradient(DifferentialFunction df, INDArray[] args) {
        return df instanceof AddBpOp && args.length == 3
                && Arrays.equals(args[0].shape(), args[2].shape()) && Arrays.equals(args[1].shape(), args[2].shape())
                && args[0].dataType() == args[2].dataType() && args[1].dataType() == args[2].dataType();
    }

    /** A float mean over axes 1 and 2 (and only those) of a contiguous c-ordered rank-4 array. */
    private static boolean isPixelMean(Mean mean, INDArray in) {
        int[] dims = mean.getDimensions() == null ? null : mean.getDimensions().clone();
        if (dims == null || in.rank() != 4 || in.ordering() != 'c' || !Shape.hasDefaultStridesForShape(in)
                || !in.dataType().isFPType()) {
            return false;
        }
        Arrays.sort(dims);
        return Arrays.equals(dims, new int[]{1, 2});
    }
}
