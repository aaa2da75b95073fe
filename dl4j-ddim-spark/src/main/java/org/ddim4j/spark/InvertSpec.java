package org.ddim4j.spark;

import org.ddim4j.data.Split;
import org.ddim4j.invert.Inverter;
import org.ddim4j.schedule.TimestepSpacing;

import java.io.Serializable;

/**
 * What {@link InvertJob} inverts: the first {@code count} images (0: all) of a dataset split, read on the executors by
 * the DataVec readers from {@code root} (null: the dataset's cache folder), with {@code method} at {@code steps}.
 * The encoder method is not offered (it needs an encoder file on every executor): hybrid starts from the ODE latent.
 *
 * @param iterations optimisation iterations (optimize, hybrid)
 * @param learningRate the latent's learning rate (optimize, hybrid)
 * @param fixedPoint fixed-point iterations per ODE step (ode, hybrid's start)
 * @param seed optimize's random starts: shard k's from Seeds.mix(seed, its first index)
 */
public record InvertSpec(String dataset, String root, Split split, long count, Inverter.Method method, int steps,
                         TimestepSpacing spacing, int iterations, double learningRate, int fixedPoint, long seed,
                         int shardSize, int batch) implements Serializable {
    public InvertSpec {
        if (dataset == null || split == null || method == null || spacing == null) {
            throw new IllegalArgumentException("a dataset, a split, a method and a spacing are required");
        }
        if (method == Inverter.Method.ENCODER) {
            throw new IllegalArgumentException("spark invert does not offer the encoder method (it needs an encoder on every "
                    + "executor); use ode, optimize, hybrid, edict or bdia");
        }
        if (count < 0 || steps < 1 || iterations < 0 || !(learningRate > 0) || fixedPoint < 0 || shardSize < 1 || batch < 1
                || batch > shardSize) {
            throw new IllegalArgumentException("count >= 0, steps >= 1, iterations >= 0, learning rate > 0, fixed point >= 0 "
                    + "and 1 <= batch <= shard size are required, got " + count + ", " + steps + ", " + iterations + ", "
                    + learningRate + ", " + fixedPoint + ", " + batch + ", " + shardSize);
        }
    }
}
