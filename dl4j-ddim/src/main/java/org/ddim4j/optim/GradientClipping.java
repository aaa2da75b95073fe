package org.ddim4j.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Clipping by global norm, as PyTorch's {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * 1. total = sqrt(sum over tensors of ||g||^2)
     * 2. if maxNorm / (total + 1e-6) < 1, scale every gradient by it (in place)
     * A non-finite total (a NaN or infinite gradient) leaves the gradients untouched (PyTorch would scale an infinite
     * one by 0, making NaN of it): the caller must not apply them ({@code Trainer} stops the run).
     *
     * @return the total norm before clipping
     */
    public static double clipGlobalNorm(Map<String, INDArray> gradients, double maxNorm) {
        double sumSquares = 0;
        for (INDArray g : gradients.values()) {
            double n = g.norm2Number().doubleValue();
            sumSquares += n * n;
        }
        double total = Math.sqrt(sumSquares);
        if (maxNorm > 0 && Double.isFinite(total)) {
            double coef = maxNorm / (total + 1e-6);
            if (coef < 1) {
                for (INDArray g : gradients.values()) {
                    g.muli(coef);
                }
            }
        }
        return total;
    }
}
