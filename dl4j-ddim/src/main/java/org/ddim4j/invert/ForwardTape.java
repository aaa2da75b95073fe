package org.ddim4j.invert;

import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.Linearization;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * A network whose forward passes are recorded for the backward pass that follows: each {@link #predictNoise} keeps
 * the network's {@link Linearization} at that point, and {@link #inputGradient} at the same point (the same t and x,
 * compared by value) takes its pullback instead of recomputing the forward pass. A sampler's run and its
 * {@code inputGradient} go through it unchanged: an unrolled run of S steps then costs S forward passes and S
 * backward passes, not S forward passes and S (forward + backward) passes. A point not on the tape is recomputed.
 * {@link #clear} frees what a run left unused. Not thread-safe.
 */
final class ForwardTape implements DifferentiableNoisePredictor {
    private final DifferentiableNoisePredictor model;
    private final List<Entry> entries = new ArrayList<>();

    private record Entry(INDArray x, INDArray t, Linearization linearization) {
    }

    ForwardTape(DifferentiableNoisePredictor model) {
        this.model = model;
    }

    @Override
    public INDArray predictNoise(INDArray x, INDArray t) {
        Linearization l = model.linearize(x, t);
        entries.add(new Entry(x.dup(), t.dup(), l));
        return l.eps();
    }

    @Override
    public INDArray inputGradient(INDArray x, INDArray t, INDArray cotangent) {
        for (int i = entries.size() - 1; i >= 0; i--) {   // a backward pass visits the points in reverse
            Entry e = entries.get(i);
            if (e.t().equals(t) && e.x().equals(x)) {
                entries.remove(i);
                return e.linearization().pullback(cotangent);
            }
        }
        return model.inputGradient(x, t, cotangent);
    }

    /** How many recorded points wait for their pullback. */
    int pending() {
        return entries.size();
    }

    /** Frees every recorded point not pulled back. */
    void clear() {
        entries.forEach(e -> e.linearization().release());
        entries.clear();
    }
}
