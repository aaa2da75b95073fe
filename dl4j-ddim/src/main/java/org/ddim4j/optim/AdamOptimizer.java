package org.ddim4j.optim;

import org.ddim4j.config.OptimizerConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam exactly as PyTorch's {@code torch.optim.Adam} (DL4J's Adam adds epsilon before the bias correction,
 * which gives different steps for small gradients). For each parameter p with gradient g at step k >= 1:
 * <ol>
 *   <li>g = g + weight_decay p (L2 penalty, as PyTorch's weight_decay)</li>
 *   <li>m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2 (with AMSGrad, v_max = max(v_max, v))</li>
 *   <li>p = p - lr / (1 - beta1^k) m / (sqrt(v) / sqrt(1 - beta2^k) + eps)</li>
 * </ol>
 * Without AMSGrad the step is libnd4j's fused {@code adam_updater} (one pass over g, m and v instead of
 * twelve: docs/PERFORMANCE.md, "Figures behind the code's choices"), given epsilon sqrt(1 - beta2^k) so that its formula,
 * lr sqrt(1 - beta2^k) / (1 - beta1^k) m / (sqrt(v) + epsilon'), is the one above. It computes the bias
 * corrections and 1 - beta in float32 where PyTorch rounds 1 - beta2 once: v's increments differ by 1.3e-5
 * relative for beta2 = 0.999 (steps by 6.4e-6 relative). The state (m, v, v_max, k) is exposed for checkpoints.
 */
public final class AdamOptimizer implements TrainingOptimizer {
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final boolean amsgrad;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private final Map<String, INDArray> vMax = new LinkedHashMap<>();
    private long step;

    public AdamOptimizer(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
                         boolean amsgrad) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
    }

    public static AdamOptimizer from(OptimizerConfig c) {
        return new AdamOptimizer(c.learningRate(), c.beta1(), c.beta2(), c.epsilon(), c.weightDecay(), c.amsgrad());
    }

    /** Number of steps taken so far. */
    public long step() {
        return step;
    }

    /**
     * Applies one step to every parameter that has a gradient; parameters are updated in place. The gradients
     * are consumed: their arrays are the step's scratch (a float32 gradient is overwritten), so the optimiser
     * holds no parameter-sized array besides m and v.
     */
    @Override
    public void apply(Map<String, INDArray> params, Map<String, INDArray> grads) {
        apply(params, grads, this.learningRate);
    }

    /** As {@link #apply(Map, Map)} with this step's learning rate (a {@link LearningRateSchedule}'s). */
    @Override
    public void apply(Map<String, INDArray> params, Map<String, INDArray> grads, double learningRate) {
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = learningRate / bias1;
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            String name = e.getKey();
            INDArray p = params.get(name);
            if (p == null) {
                throw new IllegalArgumentException("gradient for unknown parameter " + name);
            }
            INDArray g = e.getValue().castTo(DataType.FLOAT);
            if (!java.util.Arrays.equals(g.shape(), p.shape())) {
                throw new IllegalArgumentException("gradient for " + name + " has shape " + java.util.Arrays.toString(g.shape())
                        + ", the parameter " + java.util.Arrays.toString(p.shape()));
            }
            // 1. g = g + weight_decay p
            if (weightDecay != 0) {
                axpy(weightDecay, p, g);
            }
            INDArray mi = m.computeIfAbsent(name, k -> Nd4j.zeros(DataType.FLOAT, p.shape()));
            INDArray vi = v.computeIfAbsent(name, k -> Nd4j.zeros(DataType.FLOAT, p.shape()));
            if (!amsgrad) {
                // 2 and 3 in one pass: g becomes the step lr / (1 - beta1^k) m / (sqrt(v) / sqrt(1 - beta2^k) + eps)
                Nd4j.exec(new AdamUpdater(g, vi, mi, learningRate, beta1, beta2, epsilon * bias2Sqrt, (int) (step - 1)));
                p.subi(g);
                continue;
            }
            // 2. m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2 (g holds g^2 from here)
            axpy(1 - beta1, g, mi.muli(beta1));
            axpy(1 - beta2, g.muli(g), vi.muli(beta2));
            INDArray vm = vMax.computeIfAbsent(name, k -> Nd4j.zeros(DataType.FLOAT, p.shape()));
            Transforms.max(vm, vi, false);
            // 3. p = p - lr / (1 - beta1^k) m / (sqrt(v_max) / sqrt(1 - beta2^k) + eps), the denominator in g's array
            INDArray denom = Transforms.sqrt(g.assign(vm), false).divi(bias2Sqrt).addi(epsilon);
            p.subi(denom.rdivi(mi).muli(stepSize));
        }
    }

    /** y = y + a x in place, one pass (as PyTorch's {@code add_(x, alpha=a)}). */
    private static void axpy(double a, INDArray x, INDArray y) {
        Nd4j.exec(new Axpy(x, y, y, a));
    }

    /** The optimiser state as named arrays ({@code m.NAME}, {@code v.NAME}, {@code vmax.NAME}, {@code step}). */
    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m." + k, a));
        v.forEach((k, a) -> out.put("v." + k, a));
        vMax.forEach((k, a) -> out.put("vmax." + k, a));
        out.put("step", Nd4j.scalar(DataType.LONG, step));
        return out;
    }

    /** Restores a state written by {@link #state()}. */
    @Override
    public void restore(Map<String, INDArray> state) {
        m.clear();
        v.clear();
        vMax.clear();
        INDArray s = state.get("step");
        if (s == null) {
            throw new IllegalArgumentException("optimizer state has no 'step'");
        }
        step = s.getLong(0);
        state.forEach((k, a) -> {
            if (k.startsWith("m.")) {
                m.put(k.substring(2), a.castTo(DataType.FLOAT).dup());
            } else if (k.startsWith("v.")) {
                v.put(k.substring(2), a.castTo(DataType.FLOAT).dup());
            } else if (k.startsWith("vmax.")) {
                vMax.put(k.substring(5), a.castTo(DataType.FLOAT).dup());
            }
        });
    }
}
