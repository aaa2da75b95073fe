package org.ddim4j.graph;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Set;

/**
 * A large batched product ({@code matmul} or {@code matmul_bp} of [B, M, K] arrays: the attention's q k^T and its
 * weights times v) run as B products of one sample each, on oneDNN. libnd4j multiplies a batch one matrix after
 * the other with OpenBLAS on the calling thread (a {@link GraphPlan} keeps OpenBLAS on one thread, see
 * {@link SingleThreadedBlas}) and hands only two-dimensional products to oneDNN, which runs them on all of
 * libnd4j's OpenMP threads with the CPU's widest vectors: the attention's products take less than half the time
 * (docs/PERFORMANCE.md, "Figures behind the code's choices").
 *
 * <p>Only on the CPU backend. Products of less than {@link #MIN_SAMPLE_MACS} multiply-adds per sample stay whole: oneDNN's per-call cost
 * (tens of microseconds) would exceed what a second thread gains (the small network's [16, 64, 64] products at
 * 8x8). The results differ from the whole product's in the last bits (another kernel sums in another order).
 */
final class PerSampleProducts {
    /** The products split per sample. */
    static final Set<String> OPS = Set.of("matmul", "matmul_bp");
    /** Multiply-adds of one sample's product (M K N) from which splitting pays: 256 x 256 x 64 is 4 M. */
    static final long MIN_SAMPLE_MACS = 1L << 20;
    /** On a GPU a batched product is one cuBLAS call: only the CPU backend splits. */
    private static final boolean CPU = isCpu();

    private PerSampleProducts() {
    }

    /**
     * One context per sample for the op bound in {@code whole}, or null when it is not a large batched product:
     * every input and output of rank 3, densely laid out in C order, with one batch size of at least 2.
     */
    static OpContext[] split(DynamicCustomOp op, OpContext whole) {
        if (!CPU || !OPS.contains(op.opName())) {
            return null;
        }
        List<INDArray> in = whole.getInputArrays();
        List<INDArray> out = whole.getOutputArrays();
        if (in.size() < 2 || out.isEmpty()) {
            return null;
        }
        long batch = in.get(0).rank() == 3 ? in.get(0).size(0) : -1;
        for (List<INDArray> group : List.of(in, out)) {
            for (INDArray a : group) {
                if (a.rank() != 3 || a.size(0) != batch || a.ordering() != 'c' || !Shape.hasDefaultStridesForShape(a)) {
                    return null;
                }
            }
        }
        if (batch < 2 || sampleMacs(op, in) < MIN_SAMPLE_MACS) {
            return null;
        }
        OpContext[] perSample = new OpContext[(int) batch];
        for (int b = 0; b < batch; b++) {
            INDArray[] inputs = new INDArray[in.size()];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = in.get(i).slice(b);
            }
            OpContext oc = Nd4j.getExecutioner().buildContext();
            oc.setArgs(inputs, op.iArgs(), op.dArgs(), op.tArgs(), op.bArgs());
            for (int i = 0; i < out.size(); i++) {
                oc.setOutputArray(i, out.get(i).slice(b));
            }
            perSample[b] = oc;
        }
        return perSample;
    }

    /** M K N of one sample's product x y (x [B, M, K] or, transposed, [B, K, M]; likewise y). */
    private static long sampleMacs(DynamicCustomOp op, List<INDArray> in) {
        long[] iArgs = op.iArgs();
        boolean transX = iArgs.length > 0 && iArgs[0] != 0;
        boolean transY = iArgs.length > 1 && iArgs[1] != 0;
        INDArray x = in.get(0);
        INDArray y = in.get(1);
        long m = transX ? x.size(2) : x.size(1);
        long k = transX ? x.size(1) : x.size(2);
        long n = transY ? y.size(1) : y.size(2);
        return m * k * n;
    }

    private static boolean isCpu() {
        try {
            return Nd4j.getEnvironment().isCPU();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
