package org.ddim4j.schedule;


import java.util.Arrays;
import java.util.Locale;

/** Which S of the T diffusion timesteps a sampler visits. Each returns the timesteps in ascending order. */
public enum TimestepSpacing {
    /** The seed's and DDIM's default: range(0, T, T // S). Gives more than S steps when S does not divide T. */
    UNIFORM,
    /** The seed's: int(linspace(0, sqrt(0.8 T), S)^2); dense near t = 0, stops at 0.8 T. */
    QUADRATIC,
    /** round(linspace(0, T - 1, S)), as diffusers' "linspace"; includes t = T - 1. */
    LINSPACE,
    /** round(T - i T / S) - 1 for i < S, as diffusers' "trailing"; starts at t = T - 1. */
    TRAILING;

    public static TimestepSpacing fromName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown timestep spacing '" + name + "'; expected uniform, quadratic, linspace or trailing");
        }
    }

    /** The visited timesteps, ascending, for T diffusion steps and S sampling steps. */
    public int[] timesteps(int numT, int steps) {
        if (numT <= 0 || steps <= 0 || steps > numT) {
            throw new IllegalArgumentException("Need 0 < steps <= T, got steps " + steps + " and T " + numT);
        }
        int[] seq = switch (this) {
            case UNIFORM -> {
                int skip = numT / steps;
                int n = (numT + skip - 1) / skip;
                int[] s = new int[n];
                for (int i = 0; i < n; i++) {
                    s[i] = i * skip;
                }
                yield s;
            }
            case QUADRATIC -> {
                double[] lin = BetaSchedule.linspace(0, Math.sqrt(numT * 0.8), steps);
                int[] s = new int[steps];
                for (int i = 0; i < steps; i++) {
                    s[i] = (int) (lin[i] * lin[i]);
                }
                yield s;
            }
            case LINSPACE -> {
                double[] lin = BetaSchedule.linspace(0, numT - 1, steps);
                int[] s = new int[steps];
                for (int i = 0; i < steps; i++) {
                    s[i] = (int) Math.rint(lin[i]);
                }
                yield s;
            }
            case TRAILING -> {
                int[] s = new int[steps];
                double stride = (double) numT / steps;
                for (int i = 0; i < steps; i++) {
                    s[steps - 1 - i] = (int) Math.rint(numT - i * stride) - 1;
                }
                yield s;
            }
        };
        return Arrays.copyOf(seq, seq.length);
    }

    /** The YAML and command-line spelling. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
