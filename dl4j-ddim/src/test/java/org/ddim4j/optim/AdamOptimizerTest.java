package org.ddim4j.optim;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamOptimizerTest {

    /** torch.optim.Adam's update (PyTorch 1.13, single tensor) in double precision, one step at a time. */
    private static final class Reference {
        final double[] p;
        final double[] m;
        final double[] v;
        final double[] vMax;
        int step;

        Reference(double[] p) {
            this.p = p.clone();
            m = new double[p.length];
            v = new double[p.length];
            vMax = new double[p.length];
        }

        void apply(double[] grad, double lr, double b1, double b2, double eps, double wd, boolean amsgrad) {
            step++;
            double bias1 = 1 - Math.pow(b1, step);
            double bias2Sqrt = Math.sqrt(1 - Math.pow(b2, step));
            for (int i = 0; i < p.length; i++) {
                double g = grad[i] + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                vMax[i] = Math.max(vMax[i], v[i]);
                double denom = Math.sqrt(amsgrad ? vMax[i] : v[i]) / bias2Sqrt + eps;
                p[i] -= lr / bias1 * m[i] / denom;
            }
        }
    }

    private static double[] gradient(int step, int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = Math.sin(0.37 * i + step) * Math.pow(10, (i % 7) - 4);   // magnitudes 1e-4 .. 1e2
        }
        return g;
    }

    @Test
    void stepsMatchPyTorchsAdamWithWeightDecayAndAmsgrad() {
        int n = 1000;
        for (boolean amsgrad : new boolean[]{false, true}) {
            double[] start = new double[n];
            for (int i = 0; i < n; i++) {
                start[i] = Math.cos(0.11 * i);
            }
            Reference ref = new Reference(start);
            INDArray p = Nd4j.createFromArray(start).castTo(DataType.FLOAT).reshape(10, 100);
            AdamOptimizer adam = new AdamOptimizer(1e-2, 0.9, 0.999, 1e-8, 1e-3, amsgrad);
            for (int k = 1; k <= 5; k++) {
                double[] g = gradient(k, n);
                ref.apply(g, 1e-2, 0.9, 0.999, 1e-8, 1e-3, amsgrad);
                INDArray grad = Nd4j.createFromArray(g).castTo(DataType.FLOAT).reshape(10, 100);
                adam.apply(Map.of("w", p), Map.of("w", grad));
            }
            double worst = 0;
            double[] got = p.reshape(n).toDoubleVector();
            for (int i = 0; i < n; i++) {
                worst = Math.max(worst, Math.abs(got[i] - ref.p[i]));
            }
            // float32 state: about 1e-7 per step on parameters of magnitude 1
            assertTrue(worst < 2e-6, "amsgrad=" + amsgrad + ": largest difference from the reference " + worst);
        }
    }

    @Test
    void aGradientOfTheWrongShapeOrForAnUnknownParameterIsRefusedByName() {
        AdamOptimizer adam = new AdamOptimizer(1e-3, 0.9, 0.999, 1e-8, 0, false);
        INDArray p = Nd4j.zeros(DataType.FLOAT, 4, 3);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> adam.apply(Map.of("w", p), Map.of("w", Nd4j.zeros(DataType.FLOAT, 3, 4))));
        assertTrue(shape.getMessage().contains("w") && shape.getMessage().contains("[3, 4]"), shape.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> adam.apply(Map.of("w", p), Map.of("b", Nd4j.zeros(DataType.FLOAT, 3))));
        assertTrue(unknown.getMessage().contains("b"), unknown.getMessage());
    }
}
