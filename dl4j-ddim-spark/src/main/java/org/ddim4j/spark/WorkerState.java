package org.ddim4j.spark;

import org.ddim4j.model.Checkpoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sum of workers' training states for averaging: float arrays (weights, BatchNorm statistics, EMA, optimiser
 * moments) summed in double precision, integer arrays (step counters, which every worker advances alike) kept and
 * checked equal, and the per-iteration losses summed. Combined by Spark's treeAggregate; divided by the count on the
 * driver.
 */
final class WorkerState implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private final Map<String, long[]> counters = new LinkedHashMap<>();
    private double[] losses = new double[0];
    private int count;

    /** The empty sum (treeAggregate's zero). */
    WorkerState() {
    }

    /** One worker's state after its local iterations, with their losses. */
    static WorkerState of(Checkpoint c, double[] losses) {
        WorkerState s = new WorkerState();
        c.weights().arrays().forEach((k, a) -> s.put("w." + k, a));
        c.ema().arrays().forEach((k, a) -> s.put("e." + k, a));
        c.optimizerState().forEach((k, a) -> s.put("o." + k, a));
        s.losses = losses.clone();
        s.count = 1;
        return s;
    }

    private void put(String key, INDArray a) {
        if (a.dataType().isFPType()) {
            float[] f = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            sums.put(key, d);
        } else {
            counters.put(key, a.castTo(DataType.LONG).dup('c').data().asLong());
        }
    }

    /** This sum plus another (either may be the empty sum); returns this. */
    WorkerState add(WorkerState o) {
        if (o.count == 0) {
            return this;
        }
        if (count == 0) {
            sums.putAll(o.sums);
            counters.putAll(o.counters);
            losses = o.losses.clone();
            count = o.count;
            return this;
        }
        if (!sums.keySet().equals(o.sums.keySet()) || !counters.keySet().equals(o.counters.keySet()) || losses.length != o.losses.length) {
            throw new IllegalStateException("workers returned states of different layouts");
        }
        sums.forEach((k, d) -> {
            double[] e = o.sums.get(k);
            for (int i = 0; i < d.length; i++) {
                d[i] += e[i];
            }
        });
        counters.forEach((k, c) -> {
            if (!java.util.Arrays.equals(c, o.counters.get(k))) {
                throw new IllegalStateException("workers disagree on counter " + k + ": " + java.util.Arrays.toString(c)
                        + " and " + java.util.Arrays.toString(o.counters.get(k)));
            }
        });
        for (int i = 0; i < losses.length; i++) {
            losses[i] += o.losses[i];
        }
        count += o.count;
        return this;
    }

    int count() {
        return count;
    }

    /** The mean loss of each local iteration over the workers. */
    double[] meanLosses() {
        double[] m = losses.clone();
        for (int i = 0; i < m.length; i++) {
            m[i] /= count;
        }
        return m;
    }

    /** The averaged state, written into {@code template}'s arrays (a copy of the state the round started from). */
    Checkpoint averageInto(Checkpoint template, long iteration, double elapsedSeconds) {
        if (count == 0) {
            throw new IllegalStateException("no worker returned a state");
        }
        template.weights().arrays().forEach((k, a) -> assign("w." + k, a));
        template.ema().arrays().forEach((k, a) -> assign("e." + k, a));
        Map<String, INDArray> opt = new LinkedHashMap<>();
        template.optimizerState().forEach((k, a) -> {
            INDArray copy = a.dup();
            assign("o." + k, copy);
            opt.put(k, copy);
        });
        // optimiser arrays a worker created in its first step (Adam's moments) that the template lacks
        sums.keySet().stream().filter(k -> k.startsWith("o.") && !opt.containsKey(k.substring(2))).forEach(k -> {
            INDArray a = Nd4j.create(DataType.FLOAT, template.weights().trainableVector().shape());
            assign(k, a);
            opt.put(k.substring(2), a);
        });
        counters.keySet().stream().filter(k -> k.startsWith("o.") && !opt.containsKey(k.substring(2))).forEach(k ->
                opt.put(k.substring(2), Nd4j.createFromArray(counters.get(k)).reshape(template.optimizerState().get("step").shape())));
        return new Checkpoint(template.config(), iteration, template.seed(), template.weights(), template.ema(), opt, elapsedSeconds);
    }

    private void assign(String key, INDArray target) {
        double[] d = sums.get(key);
        if (d != null) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) (d[i] / count);
            }
            target.assign(Nd4j.create(f, target.shape(), DataType.FLOAT).castTo(target.dataType()));
            return;
        }
        long[] c = counters.get(key);
        if (c == null) {
            throw new IllegalStateException("no worker returned " + key);
        }
        target.assign(Nd4j.createFromArray(c).reshape(target.shape()).castTo(target.dataType()));
    }
}
