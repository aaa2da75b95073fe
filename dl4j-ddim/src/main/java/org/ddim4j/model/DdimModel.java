package org.ddim4j.model;

import org.ddim4j.config.DdimConfig;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.unet.UNet;

/**
 * A trained (or imported) DDIM: its configuration and the network used for sampling (the EMA weights
 * of a training run). Samplers and inversion methods take {@link #noisePredictor()}, which is the network itself
 * for an eps-network and converts a v-network's output to the noise.
 */
public record DdimModel(DdimConfig config, UNet network) {
    public DdimModel {
        if (!network.architecture().config().equals(config.network())) {
            throw new IllegalArgumentException("network does not match config.network");
        }
    }

    /** The network as samplers and inversion methods take it: predicting the noise, whatever it was trained on. */
    public DifferentiableNoisePredictor noisePredictor() {
        return config.diffusion().prediction().noisePredictor(network, schedule());
    }

    public NoiseSchedule schedule() {
        return config.diffusion().noiseSchedule();
    }

    /** The sampler of the config's diffusion section. */
    public DdimSampler sampler() {
        var d = config.diffusion();
        return new DdimSampler(schedule(), d.skipType(), d.numTSteps(), d.eta(), d.clipX0());
    }

    /** A sampler of {@code kind} on this model's schedule (eta: DDIM's; the config's clip_x0). */
    public Sampler sampler(SamplerKind kind, int steps, TimestepSpacing spacing, double eta) {
        return kind.create(schedule(), spacing, steps, eta, config.diffusion().clipX0());
    }

    /** As {@link #sampler(SamplerKind, int, TimestepSpacing, double)}, with EDICT's mixing or BDIA's gamma (NaN: the default). */
    public Sampler sampler(SamplerKind kind, int steps, TimestepSpacing spacing, double eta, double coupling) {
        return kind.create(schedule(), spacing, steps, eta, config.diffusion().clipX0(), coupling);
    }

    public DdimSampler sampler(int steps, TimestepSpacing spacing, double eta) {
        return new DdimSampler(schedule(), spacing, steps, eta, config.diffusion().clipX0());
    }
}
