package org.ddim4j.optim;

import org.ddim4j.config.LearningRateDecay;
import org.ddim4j.config.OptimizerConfig;

/**
 * The learning rate of iteration i (1-based) of a run of {@code total} iterations:
 * <ol>
 *   <li>warm-up: lr * i / W for i <= W (Goyal et al. 2017), W = optimizer.warmup_iterations;</li>
 *   <li>then, with p = (i - 1 - W) / (total - W), clamped to 1: lr (constant), lr (1 + cos(pi p)) / 2 (cosine,
 *       Loshchilov and Hutter 2017) or lr (1 - p) (linear): the first rate after the warm-up is lr, the last one
 *       (i = total) is just above 0, never 0.</li>
 * </ol>
 * A function of i alone: a resumed run continues the same curve.
 *
 * @param peak   optimizer.learning_rate
 * @param warmup W
 * @param decay  the shape after the warm-up
 * @param total  training.num_i
 */
public record LearningRateSchedule(double peak, int warmup, LearningRateDecay decay, long total) {
    public LearningRateSchedule {
        if (!(peak > 0) || warmup < 0 || decay == null || total <= 0) {
            throw new IllegalArgumentException("a learning-rate schedule needs peak > 0, warmup >= 0, a decay and total > 0;"
                    + " got " + peak + ", " + warmup + ", " + decay + ", " + total);
        }
    }

    public static LearningRateSchedule of(OptimizerConfig c, long totalIterations) {
        return new LearningRateSchedule(c.learningRate(), c.warmupIterations(), c.decay(), totalIterations);
    }

    /** True when every iteration uses the peak rate (the seed's constant rate without warm-up). */
    public boolean isConstant() {
        return warmup == 0 && decay == LearningRateDecay.CONSTANT;
    }

    /** The rate of iteration i (1-based). */
    public double at(long i) {
        if (i < 1) {
            throw new IllegalArgumentException("iterations are numbered from 1, got " + i);
        }
        // 1. warm-up
        if (i <= warmup) {
            return peak * i / warmup;
        }
        // 2. decay over what follows, p = 0 at the warm-up's end
        if (decay == LearningRateDecay.CONSTANT || total <= warmup) {
            return peak;
        }
        double p = Math.min(1.0, (double) (i - 1 - warmup) / (total - warmup));
        return switch (decay) {
            case COSINE -> peak * 0.5 * (1 + Math.cos(Math.PI * p));
            case LINEAR -> peak * (1 - p);
            case CONSTANT -> peak;
        };
    }
}
