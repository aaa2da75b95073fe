package org.ddim4j.spark;

import org.ddim4j.model.Checkpoint;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A sum of workers' training states for averaging: the float arrays summed (float32, as the states are: averaging W
 * values rounds to about half an ulp per addition), the integer arrays (step counters, which every worker advances
 * alike) kept and checked equal, and the per-iteration losses summed. Combined by Spark's treeAggregate; divided by
 * the count on the driver.
 */
final class WorkerState implements Serializable {
    private static final long serialVersionUID = 1L;
    private TrainingState sum;
    private double[] losses = new double[0];
    private int count;

    /** The empty sum (treeAggregate's zero). */
    WorkerState() {
    }

    /** One worker's state after its local iterations, with their losses. */
    static WorkerState of(Checkpoint c, double[] losses) {
        WorkerState s = new WorkerState();
        s.sum = TrainingState.of(c);
        s.losses = losses.clone();
        s.count = 1;
        return s;
    }

    /** This sum plus another (either may be the empty sum); returns this. */
    WorkerState add(WorkerState o) {
        if (o.count == 0) {
            return this;
        }
        if (count == 0) {
            sum = o.sum;
            losses = o.losses.clone();
            count = o.count;
            return this;
        }
        if (!sum.floats.keySet().equals(o.sum.floats.keySet()) || !sum.counters.keySet().equals(o.sum.counters.keySet())
                || losses.length != o.losses.length) {
            throw new IllegalStateException("workers returned states of different layouts");
        }
        sum.floats.forEach((k, d) -> {
            float[] e = o.sum.floats.get(k);
            for (int i = 0; i < d.length; i++) {
                d[i] += e[i];
            }
        });
        sum.counters.forEach((k, c) -> {
            if (!Arrays.equals(c, o.sum.counters.get(k))) {
                throw new IllegalStateException("workers disagree on counter " + k + ": " + Arrays.toString(c)
                        + " and " + Arrays.toString(o.sum.counters.get(k)));
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
        sum.floats.values().forEach(d -> {
            for (int i = 0; i < d.length; i++) {
                d[i] /= count;
            }
        });
        return sum.into(template, iteration, elapsedSeconds);
    }
}
