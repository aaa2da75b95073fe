package org.ddim4j.train;

import org.ddim4j.unet.ParamKind;
import org.ddim4j.unet.ParamSpec;
import org.ddim4j.unet.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exponential moving average of the weights used for every sample: ema = decay ema + (1 - decay) w
 * for trained tensors. BatchNorm running statistics are not trained; they are copied from the live network,
 * so the averaged network normalises with statistics that exist (averaging only the parameters, as many
 * EMA helpers do, would leave them at their initial values).
 */
public final class Ema {
    private Ema() {
    }

    /**
     * ema = decay ema + (1 - decay) live, on the flat vectors of trainable tensors, in two passes as PyTorch's
     * {@code mul_(decay).add_(live, alpha=1 - decay)} (the product and the sum in one axpy pass).
     */
    public static void update(INDArray emaFlat, INDArray liveFlat, double decay) {
        Nd4j.exec(new Axpy(liveFlat, emaFlat.muli(decay), emaFlat, 1.0 - decay));
    }

    /**
     * The decay used after {@code updates} updates: min(decay, (1 + n) / (10 + n)), the warm-up of
     * TensorFlow's ExponentialMovingAverage (num_updates) and diffusers' EMAModel. Early on the average
     * follows the weights closely, so a short run samples from what it learned rather than from the
     * initialisation (with 0.995 and no warm-up, 70 % of the initial weights remain after 70 iterations);
     * after a few thousand iterations it is the configured decay.
     */
    public static double warmedUpDecay(double decay, long updates) {
        return Math.min(decay, (1.0 + updates) / (10.0 + updates));
    }

    /** Copies the running statistics (not trained) from the live network. */
    public static void copyBuffers(Parameters ema, Parameters live) {
        for (ParamSpec s : live.specs()) {
            if (s.kind() == ParamKind.RUNNING_STAT || s.kind() == ParamKind.COUNTER) {
                ema.get(s.name()).assign(live.get(s.name()));
            }
        }
    }
}
