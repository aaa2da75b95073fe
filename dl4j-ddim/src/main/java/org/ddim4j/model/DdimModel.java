package org.ddim4j.model;

import org.ddim4j.config.DdimConfig;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.GuidedNoisePredictor;
import org.ddim4j.schedule.NoiseSchedule;
import org.ddim4j.unet.UNet;

import java.util.List;

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

    /**
     * The network as samplers and inversion methods take it: predicting the noise, whatever it was trained on. A
     * class-conditional network predicts for the null class here: unconditionally, as it was trained to with its
     * labels dropped (inversion and editing use this).
     */
    public DifferentiableNoisePredictor noisePredictor() {
        return config.diffusion().prediction().noisePredictor(network, schedule());
    }

    /** Whether the network takes class labels. */
    public boolean conditional() {
        return config.network().classConditional();
    }

    /** The classes of a conditional model and their training counts. */
    public ClassPrior classes() {
        return ClassPrior.of(config.network());
    }

    /**
     * What generated images' classes are drawn from: the model's prior restricted to {@code only} (all of it when
     * empty; {@link ClassPrior#restrictedTo}), or null for an unconditional model given no classes.
     *
     * @throws IllegalArgumentException for classes asked of an unconditional model, or an unknown or repeated class
     */
    public ClassPrior classPrior(List<String> only) {
        if (!conditional()) {
            if (!only.isEmpty()) {
                throw new IllegalArgumentException("classes " + only + " asked of an unconditional model"
                        + " (network.class_conditional is false)");
            }
            return null;
        }
        return only.isEmpty() ? classes() : classes().restrictedTo(only);
    }

    /**
     * This conditional model sampling with classifier-free guidance weight {@code w} (its config's diffusion.guidance
     * replaced).
     *
     * @throws IllegalArgumentException for an unconditional model, or a w that is negative or not finite
     */
    public DdimModel withGuidance(double w) {
        if (!conditional()) {
            throw new IllegalArgumentException("guidance goes with a class-conditional model (network.class_conditional);"
                    + " this one is unconditional");
        }
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("guidance must be a finite number >= 0, got " + w);
        }
        return new DdimModel(config.withDiffusion(config.diffusion().withGuidance(w)), network);
    }

    /**
     * A conditional model's noise predictor for images of the given classes, guided with weight {@code guidance}
     * ({@link GuidedNoisePredictor}; 0: the conditional prediction alone).
     *
     * @param labels one label per image of the batches it will be given (-1: the null class)
     */
    public DifferentiableNoisePredictor noisePredictor(int[] labels, double guidance) {
        DifferentiableNoisePredictor conditioned = config.diffusion().prediction()
                .noisePredictor(network.conditionedOn(classes().oneHot(labels)), schedule());
        return guidance == 0 ? conditioned : new GuidedNoisePredictor(conditioned, noisePredictor(), guidance);
    }

    /**
     * The predictor that generates {@code count} new images: an unconditional model's {@link #noisePredictor()}; for
     * a conditional one, labels drawn from its {@link ClassPrior} with {@code seed}, guided by the config's
     * {@code diffusion.guidance}.
     */
    public DifferentiableNoisePredictor generatingPredictor(int count, long seed) {
        return conditional() ? generatingPredictor(classes(), count, seed) : noisePredictor();
    }

    /**
     * A conditional model's predictor generating {@code count} images of classes drawn from {@code prior} with
     * {@code seed} (e.g. {@link ClassPrior#restrictedTo} some classes), guided by the config's {@code diffusion.guidance}.
     */
    public DifferentiableNoisePredictor generatingPredictor(ClassPrior prior, int count, long seed) {
        if (!prior.names().equals(classes().names())) {
            throw new IllegalArgumentException("the class prior's classes " + prior.names() + " are not the model's "
                    + classes().names());
        }
        return noisePredictor(prior.draw(count, seed), config.diffusion().guidance());
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
