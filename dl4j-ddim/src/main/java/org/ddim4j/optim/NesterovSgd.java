package org.ddim4j.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;

/**
 * SGD with Nesterov momentum exactly as PyTorch's {@code torch.optim.SGD(nesterov=True, dampening=0)}. For each
 * parameter p with gradient g:
 * <ol>
 *   <li>g = g + weight_decay p</li>
 *   <li>b = g at the first step, else b = momentum b + g</li>
 *   <li>p = p - lr (g + momentum b)</li>
 * </ol>
 */
public final class NesterovSgd implements ParameterOptimizer {
    private double learningRate;
    private final double momentum;
    private final double weightDecay;
    private final Map<String, INDArray> buffers = new HashMap<>();

    public NesterovSgd(double learningRate, double momentum, double weightDecay) {
        if (!(learningRate > 0) || !(momentum > 0 && momentum < 1) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("Nesterov SGD needs lr > 0, 0 < momentum < 1, weight decay >= 0; got lr "
                    + learningRate + ", momentum " + momentum + ", weight decay " + weightDecay);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    /** Changes the learning rate (for a step schedule); the momentum buffers are kept. */
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public double learningRate() {
        return learningRate;
    }

    @Override
    public void apply(Map<String, INDArray> params, Map<String, INDArray> grads) {
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            INDArray p = params.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("gradient for unknown parameter " + e.getKey());
            }
            INDArray g = e.getValue().castTo(DataType.FLOAT);
            if (weightDecay != 0) {
                g = g.add(p.mul(weightDecay));
            }
            INDArray b = buffers.get(e.getKey());
            if (b == null) {
                b = g.dup();
                buffers.put(e.getKey(), b);
            } else {
                b.muli(momentum).addi(g);
            }
            p.subi(g.add(b.mul(momentum)).muli(learningRate));
        }
    }
}
