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
    TRAILING,
    /**
     * Karras et al. (2022), Eq. 5: sigma_i = (sigma_max^(1/rho) + i / (S - 1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho
     * with rho = 7 between the schedule's sigma at t = T - 1 and t = 0, each mapped to the nearest timestep (as diffusers'
     * use_karras_sigmas): dense where the noise is low. Needs the schedule ({@link #timesteps(NoiseSchedule, int)}).
     */
    KARRAS;

    /** Karras et al.'s rho. */
    static final double KARRAS_RHO = 7.0;

    public static TimestepSpacing fromName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown timestep spacing '" + name + "'; expected uniform, quadratic, linspace, trailing or karras");
        }
    }

    /** The visited timesteps of {@code schedule}, ascending, for S sampling steps. */
    public int[] timesteps(NoiseSchedule schedule, int steps) {
        if (this != KARRAS) {
            return timesteps(schedule.numSteps(), steps);
        }
        int numT = schedule.numSteps();
        checkSteps(numT, steps);
        if (steps == 1) {
            return new int[]{numT - 1};
        }
        double hi = Math.pow(schedule.sigma(numT - 1), 1 / KARRAS_RHO);
        double lo = Math.pow(schedule.sigma(0), 1 / KARRAS_RHO);
        int[] s = new int[steps];
        for (int i = 0; i < steps; i++) {
            double sigma = Math.pow(hi + (double) i / (steps - 1) * (lo - hi), KARRAS_RHO);
            s[steps - 1 - i] = (int) Math.rint(schedule.timestepOf(sigma));
        }
        for (int i = 1; i < steps; i++) {
            if (s[i] <= s[i - 1]) {
                throw new IllegalArgumentException("karras spacing maps two of its " + steps + " sigmas to timestep "
                        + s[i] + " of " + numT + "; give fewer steps");
            }
        }
        return s;
    }

    /** The visited timesteps, ascending, for T diffusion steps and S sampling steps (not for {@link #KARRAS}). */
    public int[] timesteps(int numT, int steps) {
        checkSteps(numT, steps);
        if (this == KARRAS) {
            throw new IllegalArgumentException("karras spacing needs the noise schedule: timesteps(schedule, steps)");
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
            case KARRAS -> throw new AssertionError("handled above");
        };
        return Arrays.copyOf(seq, seq.length);
    }

    private static void checkSteps(int numT, int steps) {
        if (numT <= 0 || steps <= 0 || steps > numT) {
            throw new IllegalArgumentException("Need 0 < steps <= T, got steps " + steps + " and T " + numT);
        }
    }

    /** The YAML and command-line spelling. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
