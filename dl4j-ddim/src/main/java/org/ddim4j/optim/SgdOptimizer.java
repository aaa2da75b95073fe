package org.ddim4j.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plain stochastic gradient descent as PyTorch's {@code torch.optim.SGD} without momentum: for each parameter p with
 * gradient g, (1) g = g + weight_decay p, (2) p = p - lr g. Linear in the gradient, so averaging the parameters of
 * workers that each took one step from the same point is one step on the averaged gradient (the parameter-averaging
 * check of dl4j-ddim-spark). Its state is the step count alone.
 */
public final class SgdOptimizer implements TrainingOptimizer {
    private final double learningRate;
    private final double weightDecay;
    private long step;

    public SgdOptimizer(double learningRate, double weightDecay) {
        if (!(learningRate > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("SGD needs learning rate > 0 and weight decay >= 0, got " + learningRate
                    + " and " + weightDecay);
        }
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    @Override
    public void apply(Map<String, INDArray> params, Map<String, INDArray> grads) {
        apply(params, grads, learningRate);
    }

    @Override
    public void apply(Map<String, INDArray> params, Map<String, INDArray> grads, double learningRate) {
        step++;
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            INDArray p = params.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("gradient for unknown parameter " + e.getKey());
            }
            INDArray g = e.getValue().castTo(DataType.FLOAT);
            if (weightDecay != 0) {
                Nd4j.exec(new Axpy(p, g, g, weightDecay));   // 1.
            }
            Nd4j.exec(new Axpy(g, p, p, -learningRate));      // 2.
        }
    }

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put("step", Nd4j.scalar(DataType.LONG, step));
        return out;
    }

    @Override
    public void restore(Map<String, INDArray> state) {
        INDArray s = state.get("step");
        if (s == null) {
            throw new IllegalArgumentException("optimizer state has no 'step'");
        }
        step = s.getLong(0);
    }
}
