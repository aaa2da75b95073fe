package org.ddim4j.sampler;

import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.TimestepSpacing;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The timesteps a sampler visits, in visiting (descending) order, with the noise levels there: alpha_t =
 * sqrt(alpha_bar_t), sigma_t = sqrt(1 - alpha_bar_t), lambda_t = log(alpha_t / sigma_t) and the ODE's
 * sigma_t / alpha_t.
 */
final class VisitedTimesteps {
    private final NoiseSchedule schedule;
    private final int[] descending;

    VisitedTimesteps(NoiseSchedule schedule, TimestepSpacing spacing, int steps) {
        this.schedule = schedule;
        int[] ascending = spacing.timesteps(schedule, steps);
        this.descending = new int[ascending.length];
        for (int i = 0; i < ascending.length; i++) {
            descending[i] = ascending[ascending.length - 1 - i];
        }
    }

    int count() {
        return descending.length;
    }

    /** The i-th visited timestep (0: the noisiest). */
    int get(int i) {
        return descending[i];
    }

    int[] all() {
        return descending.clone();
    }

    double alpha(int t) {
        return Math.sqrt(schedule.alphaBar(t));
    }

    double sigma(int t) {
        return Math.sqrt(1 - (double) schedule.alphaBar(t));
    }

    double lambda(int t) {
        return Math.log(alpha(t) / sigma(t));
    }

    /** sigma_t / alpha_t: the noise level of x_t / alpha_t, the variable of the ODE in sigma. */
    double odeSigma(int t) {
        return schedule.sigma(t);
    }

    /** Refuses anything but [B, C, H, W]. */
    static void checkInput(INDArray xT) {
        if (xT == null || xT.rank() != 4) {
            throw new IllegalArgumentException("x_T must be [B, C, H, W], got " + (xT == null ? "null" : Arrays.toString(xT.shape())));
        }
    }
}
