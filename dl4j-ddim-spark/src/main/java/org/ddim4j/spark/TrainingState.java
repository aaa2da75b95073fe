package org.ddim4j.spark;

import org.ddim4j.model.Checkpoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's state as plain Java arrays, what travels between the driver and the workers: every float array (weights,
 * BatchNorm statistics, EMA, optimiser moments: {@code w.}, {@code e.}, {@code o.} names) and every integer array
 * (step counters), with the iteration. Java-serialised as it is: a checkpoint file's bytes cost 2.1 s a round to write
 * and read for the 1.1 M-parameter demo network, this 0.1 s (measured, bench/spark).
 */
final class TrainingState implements Serializable {
    private static final long serialVersionUID = 1L;
    final Map<String, float[]> floats = new LinkedHashMap<>();
    final Map<String, long[]> counters = new LinkedHashMap<>();

    /** The arrays of a checkpoint. */
    static TrainingState of(Checkpoint c) {
        TrainingState s = new TrainingState();
        c.weights().arrays().forEach((k, a) -> s.put("w." + k, a));
        c.ema().arrays().forEach((k, a) -> s.put("e." + k, a));
        c.optimizerState().forEach((k, a) -> s.put("o." + k, a));
        return s;
    }

    private void put(String key, INDArray a) {
        if (a.dataType().isFPType()) {
            floats.put(key, a.castTo(DataType.FLOAT).dup('c').data().asFloat());
        } else {
            counters.put(key, a.castTo(DataType.LONG).dup('c').data().asLong());
        }
    }

    /**
     * These values written into {@code template}'s arrays (a checkpoint of the same run: its shapes and config), as a
     * checkpoint at {@code iteration}. Optimiser arrays the template lacks (Adam's moments before its first step) are
     * created with the flat weights' shape.
     */
    Checkpoint into(Checkpoint template, long iteration, double elapsedSeconds) {
        template.weights().arrays().forEach((k, a) -> assign("w." + k, a));
        template.ema().arrays().forEach((k, a) -> assign("e." + k, a));
        Map<String, INDArray> opt = new LinkedHashMap<>();
        template.optimizerState().forEach((k, a) -> {
            INDArray copy = a.dup();
            assign("o." + k, copy);
            opt.put(k, copy);
        });
        floats.keySet().stream().filter(k -> k.startsWith("o.") && !opt.containsKey(k.substring(2))).forEach(k -> {
            INDArray a = Nd4j.create(DataType.FLOAT, template.weights().trainableVector().shape());
            assign(k, a);
            opt.put(k.substring(2), a);
        });
        return new Checkpoint(template.config(), iteration, template.seed(), template.weights(), template.ema(), opt, elapsedSeconds);
    }

    private void assign(String key, INDArray target) {
        float[] f = floats.get(key);
        if (f != null) {
            if (f.length != target.length()) {
                throw new IllegalStateException(key + ": " + f.length + " values for an array of " + target.length());
            }
            target.assign(Nd4j.create(f, target.shape(), DataType.FLOAT).castTo(target.dataType()));
            return;
        }
        long[] c = counters.get(key);
        if (c == null) {
            throw new IllegalStateException("the state has no " + key);
        }
        target.assign(Nd4j.createFromArray(c).reshape(target.shape()).castTo(target.dataType()));
    }
}
