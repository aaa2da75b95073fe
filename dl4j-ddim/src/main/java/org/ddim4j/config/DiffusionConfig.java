package org.ddim4j.config;

import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.BetaSchedule;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.schedule.Prediction;
import org.ddim4j.schedule.TimestepSpacing;

/**
 * The {@code diffusion} section: the noise schedule and the default sampler settings.
 *
 * @param betaSchedule {@code linear} (the seed's), {@code quadratic} or {@code cosine}
 * @param betaStart    first beta of the linear and quadratic schedules
 * @param betaEnd      last beta of the linear and quadratic schedules
 * @param numT         number of diffusion steps T
 * @param numTSteps    number of sampling steps S
 * @param eta          DDIM's eta: 0 is deterministic, 1 is DDPM-like
 * @param skipType     timestep spacing: {@code uniform}, {@code quadratic}, {@code linspace}, {@code trailing}
 *                     (an addition to the seed's keys; default {@code uniform})
 * @param clipX0       clamp the predicted x0 to [-1, 1] at each step (an addition; default false, as the seed)
 * @param sampler      the sampler of {@code ./ddim sample} and {@code eval} (an addition; default ddim, the seed's)
 * @param prediction   what the network outputs: {@code epsilon} (the seed's) or {@code v} (an addition); every sampler
 *                     and inversion method takes the network through {@link Prediction#noisePredictor}
 * @param guidance     classifier-free guidance weight w of a class-conditional network (an addition; default 0):
 *                     samples follow (1 + w) eps(x, c) - w eps(x) (Ho and Salimans 2022, eq. 6); 0 is the plain
 *                     conditional model. Unused by an unconditional network.
 */
public record DiffusionConfig(BetaSchedule betaSchedule, double betaStart, double betaEnd, int numT, int numTSteps,
                              double eta, TimestepSpacing skipType, boolean clipX0, SamplerKind sampler,
                              Prediction prediction, double guidance) {

    public DiffusionConfig {
        Check.notNull("diffusion.beta_schedule", betaSchedule);
        Check.inRange("diffusion.beta_start", betaStart, 0, 1, false);
        Check.inRange("diffusion.beta_end", betaEnd, 0, 1, false);
        if (betaStart <= 0) {
            throw new InvalidValueException("diffusion.beta_start", betaStart, "expected a number in (0, 1)");
        }
        if (betaEnd < betaStart) {
            throw new InvalidValueException("diffusion.beta_end", betaEnd,
                    "expected a number >= diffusion.beta_start (" + betaStart + ")");
        }
        Check.positive("diffusion.num_t", numT);
        Check.positive("diffusion.num_t_steps", numTSteps);
        if (numTSteps > numT) {
            throw new InvalidValueException("diffusion.num_t_steps", numTSteps,
                    "expected at most diffusion.num_t (" + numT + ")");
        }
        Check.nonNegative("diffusion.eta", eta);
        Check.notNull("diffusion.skip_type", skipType);
        Check.notNull("diffusion.sampler", sampler);
        Check.notNull("diffusion.prediction", prediction);
        Check.nonNegative("diffusion.guidance", guidance);
    }

    /** Settings without guidance. */
    public DiffusionConfig(BetaSchedule betaSchedule, double betaStart, double betaEnd, int numT, int numTSteps,
                           double eta, TimestepSpacing skipType, boolean clipX0, SamplerKind sampler,
                           Prediction prediction) {
        this(betaSchedule, betaStart, betaEnd, numT, numTSteps, eta, skipType, clipX0, sampler, prediction, 0.0);
    }

    /** Settings of an eps-network (the seed's parameterisation). */
    public DiffusionConfig(BetaSchedule betaSchedule, double betaStart, double betaEnd, int numT, int numTSteps,
                           double eta, TimestepSpacing skipType, boolean clipX0, SamplerKind sampler) {
        this(betaSchedule, betaStart, betaEnd, numT, numTSteps, eta, skipType, clipX0, sampler, Prediction.EPSILON);
    }

    public DiffusionConfig withSampling(int steps, TimestepSpacing skip, double newEta) {
        return new DiffusionConfig(betaSchedule, betaStart, betaEnd, numT, steps, newEta, skip, clipX0, sampler, prediction, guidance);
    }

    /** These settings generating with {@code kind}. */
    public DiffusionConfig withSampler(SamplerKind kind) {
        return new DiffusionConfig(betaSchedule, betaStart, betaEnd, numT, numTSteps, eta, skipType, clipX0, kind, prediction, guidance);
    }

    /** These settings generating with guidance weight {@code w}. */
    public DiffusionConfig withGuidance(double w) {
        return new DiffusionConfig(betaSchedule, betaStart, betaEnd, numT, numTSteps, eta, skipType, clipX0, sampler,
                prediction, w);
    }

    /** The forward process these settings define. */
    public NoiseSchedule noiseSchedule() {
        return NoiseSchedule.of(betaSchedule, betaStart, betaEnd, numT);
    }
}
