package org.ddim4j.sampler;

import org.ddim4j.schedule.NoisePredictor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exact samplers' states are kept in double and only the network sees float32: an encoding recomputes each
 * network input to the same float32 bits the decoding gives it, so the network's own rounding cancels in a round trip.
 */
final class DoubleStates {
    private DoubleStates() {
    }

    /** The network's float32 prediction at the float32 rounding of x (double), in double. */
    static INDArray eps(NoisePredictor model, INDArray x, int t) {
        return model.predictNoise(x.castTo(DataType.FLOAT), Nd4j.valueArrayOf(new long[]{x.size(0)}, (float) t, DataType.FLOAT))
                .castTo(DataType.DOUBLE);
    }
}
