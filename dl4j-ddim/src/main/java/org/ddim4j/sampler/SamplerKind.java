package org.ddim4j.sampler;

import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.TimestepSpacing;

import java.util.Arrays;
import java.util.List;

/** The samplers by name, as the command line ({@code --sampler}) and the config ({@code diffusion.sampler}) spell them. */
public enum SamplerKind {
    /** DDIM (Song et al. 2021): first order; eta > 0 adds noise. */
    DDIM("ddim"),
    /** DPM-Solver++ multistep, second order (Lu et al. 2022). */
    DPMPP_2M("dpm++2m"),
    /** DPM-Solver++ multistep, third order. */
    DPMPP_3M("dpm++3m"),
    /** UniPC-2 (Zhao et al. 2023), B(h) = e^-h - 1, corrector on: third order, one evaluation per step. */
    UNIPC("unipc"),
    /** Euler on the probability-flow ODE in sigma (Karras et al. 2022): DDIM's step, S evaluations. */
    EULER("euler"),
    /** Heun on the same ODE: second order, 2 S - 1 evaluations for S timesteps. */
    HEUN("heun"),
    /** EDICT (Wallace et al. 2023): two coupled DDIM sequences, exactly invertible; 2 S evaluations. */
    EDICT("edict"),
    /** BDIA-DDIM (Zhang et al. 2023): DDIM made exactly invertible by bidirectional integration; S evaluations. */
    BDIA("bdia");

    private final String key;

    SamplerKind(String key) {
        this.key = key;
    }

    /** The spelling: {@code ddim}, {@code dpm++2m}, ... */
    public String key() {
        return key;
    }

    /** Every spelling, in declaration order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(SamplerKind::key).toList();
    }

    /** The sampler spelt {@code name} (case-insensitive); the error lists them all. */
    public static SamplerKind of(String name) {
        for (SamplerKind k : values()) {
            if (k.key.equalsIgnoreCase(name == null ? "" : name.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown sampler '" + name + "'; samplers are " + keys());
    }

    /** Whether this sampler has an exact inverse ({@link InvertibleSampler}): EDICT and BDIA. */
    public boolean invertible() {
        return this == EDICT || this == BDIA;
    }

    /**
     * This sampler on {@code steps} timesteps of {@code schedule} chosen by {@code spacing}: one network evaluation
     * per timestep (Heun: two, less one). {@code eta} and {@code clipX0} are DDIM's; the deterministic solvers refuse eta > 0.
     */
    public Sampler create(NoiseSchedule schedule, TimestepSpacing spacing, int steps, double eta, boolean clipX0) {
        return create(schedule, spacing, steps, eta, clipX0, Double.NaN);
    }

    /**
     * As {@link #create(NoiseSchedule, TimestepSpacing, int, double, boolean)}, with the exact samplers' coupling:
     * EDICT's mixing p, BDIA's gamma (NaN: {@link EdictSampler#DEFAULT_MIXING}, {@link BdiaSampler#DEFAULT_GAMMA});
     * the other samplers ignore it.
     */
    public Sampler create(NoiseSchedule schedule, TimestepSpacing spacing, int steps, double eta, boolean clipX0, double coupling) {
        if (this != DDIM && eta != 0) {
            throw new IllegalArgumentException(key + " is deterministic; eta must be 0, got " + eta);
        }
        return switch (this) {
            case DDIM -> new DdimSampler(schedule, spacing, steps, eta, clipX0);
            case DPMPP_2M -> new DpmSolverPlusPlus(schedule, spacing, steps, 2);
            case DPMPP_3M -> new DpmSolverPlusPlus(schedule, spacing, steps, 3);
            case UNIPC -> new UniPcSampler(schedule, spacing, steps, 2);
            case EULER -> new KarrasSampler(schedule, spacing, steps, false);
            case HEUN -> new KarrasSampler(schedule, spacing, steps, true);
            case EDICT -> new EdictSampler(schedule, spacing, steps, Double.isNaN(coupling) ? EdictSampler.DEFAULT_MIXING : coupling);
            case BDIA -> new BdiaSampler(schedule, spacing, steps, Double.isNaN(coupling) ? BdiaSampler.DEFAULT_GAMMA : coupling);
        };
    }

    @Override
    public String toString() {
        return key;
    }
}
