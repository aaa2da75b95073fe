package org.ddim4j.schedule;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A v-network seen as a noise predictor. With a_t = sqrt(alpha_bar_t), s_t = sqrt(1 - alpha_bar_t),
 * x_t = a_t x_0 + s_t eps and v = a_t eps - s_t x_0 (Salimans and Ho 2022, section 4):
 * <ol>
 *   <li>eps = a_t v + s_t x_t (substitute x_0 = (x_t - s_t eps) / a_t into v and use a_t^2 + s_t^2 = 1);</li>
 *   <li>its vector-Jacobian product: J_x^T g = s_t g + J_v^T (a_t g).</li>
 * </ol>
 * A fractional timestep takes its alpha_bar from log sigma interpolated between whole timesteps, the inverse of
 * {@link NoiseSchedule#timestepOf}.
 */
public final class VelocityPredictor implements DifferentiableNoisePredictor {
    private final DifferentiableNoisePredictor network;
    private final NoiseSchedule schedule;

    public VelocityPredictor(DifferentiableNoisePredictor network, NoiseSchedule schedule) {
        this.network = network;
        this.schedule = schedule;
    }

    /** The wrapped v-network. */
    public DifferentiableNoisePredictor network() {
        return network;
    }

    @Override
    public INDArray predictNoise(INDArray x, INDArray t) {
        INDArray v = network.predictNoise(x, t);
        // 1. eps = a_t v + s_t x_t
        return scaled(v, t, true).addi(scaled(x, t, false));
    }

    @Override
    public INDArray inputGradient(INDArray x, INDArray t, INDArray cotangent) {
        // 2. J_x^T g = s_t g + J_v^T (a_t g)
        INDArray throughV = network.inputGradient(x, t, scaled(cotangent, t, true));
        return throughV.addi(scaled(cotangent, t, false));
    }

    /** a_t y (signal) or s_t y (noise), per image, as a new float32 array of y's shape. */
    private INDArray scaled(INDArray y, INDArray t, boolean signal) {
        int batch = (int) y.size(0);
        float[] factor = new float[batch];
        for (int k = 0; k < batch; k++) {
            double alphaBar = alphaBarAt(t.getDouble(k));
            factor[k] = (float) Math.sqrt(signal ? alphaBar : 1 - alphaBar);
        }
        return y.castTo(DataType.FLOAT).reshape(batch, -1)
                .mulColumnVector(Nd4j.createFromArray(factor).reshape(batch, 1)).reshape(y.shape());
    }

    /** alpha_bar at a (possibly fractional) timestep. */
    double alphaBarAt(double t) {
        int lo = (int) Math.floor(t);
        if (lo == t) {
            return schedule.alphaBar(lo);
        }
        int hi = lo + 1;
        double w = t - lo;
        double logSigma = (1 - w) * Math.log(schedule.sigma(lo)) + w * Math.log(schedule.sigma(hi));
        double sigma2 = Math.exp(2 * logSigma);
        return 1 / (1 + sigma2);
    }
}
