package org.ddim4j.invert;

import org.ddim4j.random.Seeds;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.sampler.SampleResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The four ways from real images to DDIM latents, for one model and one deterministic sampler (the latent
 * is the x_T that this sampler maps to the image):
 * <ul>
 *   <li>{@link Method#OPTIMIZE}: {@link OptimizationInversion} from a random start (the seed's method);</li>
 *   <li>{@link Method#ODE}: the sampler run backwards ({@link DdimSampler#encode});</li>
 *   <li>{@link Method#ENCODER}: one pass of a trained {@link LatentEncoder};</li>
 *   <li>{@link Method#HYBRID}: the encoder's latent (or the ODE's, without an encoder) refined by
 *       optimisation.</li>
 * </ul>
 * Targets are images in [0, 1], [B, C, H, W].
 */
public final class Inverter {
    public enum Method {
        OPTIMIZE, ODE, ENCODER, HYBRID;

        public static Method fromName(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown inversion method '" + name + "'; expected optimize, ode, encoder or hybrid");
            }
        }
    }

    private final DifferentiableNoisePredictor network;
    private final DdimSampler sampler;
    private final LatentEncoder encoder;
    private final int odeFixedPoint;

    /** @param encoder a trained encoder, or null (then ENCODER is unavailable and HYBRID starts from the ODE) */
    public Inverter(DdimModel model, DdimSampler sampler, LatentEncoder encoder) {
        this(model.network(), sampler, encoder);
    }

    /** For any differentiable network (the model's, usually its EMA weights). */
    public Inverter(DifferentiableNoisePredictor network, DdimSampler sampler, LatentEncoder encoder) {
        this(network, sampler, encoder, 0);
    }

    private Inverter(DifferentiableNoisePredictor network, DdimSampler sampler, LatentEncoder encoder, int odeFixedPoint) {
        if (odeFixedPoint < 0) {
            throw new IllegalArgumentException("ODE fixed-point iterations must be >= 0, got " + odeFixedPoint);
        }
        if (sampler.eta() != 0) {
            throw new IllegalArgumentException("inversion needs the deterministic sampler (eta 0), got eta " + sampler.eta());
        }
        this.network = network;
        this.sampler = sampler;
        this.encoder = encoder;
        this.odeFixedPoint = odeFixedPoint;
    }

    /**
     * This inverter with {@code iterations} fixed-point iterations per step of the DDIM-ODE inversion (ODE and
     * the hybrid's ODE start; see {@link DdimSampler#encode(org.ddim4j.schedule.NoisePredictor, INDArray, boolean, int)}).
     */
    public Inverter withOdeFixedPoint(int iterations) {
        return new Inverter(network, sampler, encoder, iterations);
    }

    public int odeFixedPoint() {
        return odeFixedPoint;
    }

    public DdimSampler sampler() {
        return sampler;
    }

    /** Random starting latents, N(0, I), from a seed. */
    public static INDArray randomLatents(long[] shape, long seed) {
        return Seeds.gaussian(seed, shape);
    }

    public InversionResult invert(Method method, INDArray targets, InversionSettings settings, long seed,
                                  OptimizationInversion.Listener listener) {
        return switch (method) {
            case OPTIMIZE -> OptimizationInversion.invert(network, sampler, targets,
                    randomLatents(targets.shape(), seed), settings, listener);
            case ODE -> ode(targets, settings.frameEvery() > 0);
            case ENCODER -> encoder(targets);
            case HYBRID -> hybrid(targets, settings, listener);
        };
    }

    /** DDIM-ODE inversion; with {@code frames}, the frames are x_t from the image to the latent. */
    public InversionResult ode(INDArray targets, boolean frames) {
        long t0 = System.nanoTime();
        SampleResult enc = sampler.encode(network, targets.castTo(DataType.FLOAT).mul(2).subi(1), frames, odeFixedPoint);
        INDArray x = sampler.sample(network, enc.sample(), null);
        List<INDArray> f = frames ? new ArrayList<>(enc.xs()) : List.of();
        return InversionResult.measured(enc.sample(), x, targets, (System.nanoTime() - t0) / 1e9, List.of(), f);
    }

    public InversionResult encoder(INDArray targets) {
        if (encoder == null) {
            throw new IllegalStateException("the encoder method needs a trained encoder (./ddim train-encoder)");
        }
        long t0 = System.nanoTime();
        INDArray z = encoder.encode(targets);
        INDArray x = sampler.sample(network, z, null);
        return InversionResult.measured(z, x, targets, (System.nanoTime() - t0) / 1e9, List.of(), List.of());
    }

    /** The encoder's (or the ODE's) latent, refined by optimisation; the time includes the start. */
    public InversionResult hybrid(INDArray targets, InversionSettings settings, OptimizationInversion.Listener listener) {
        long t0 = System.nanoTime();
        INDArray start = encoder != null ? encoder.encode(targets)
                : sampler.encode(network, targets.castTo(DataType.FLOAT).mul(2).subi(1), false, odeFixedPoint).sample();
        InversionResult r = OptimizationInversion.invert(network, sampler, targets, start, settings, listener);
        return new InversionResult(r.latent(), r.reconstruction(), r.psnr(), r.ssim(), (System.nanoTime() - t0) / 1e9,
                r.psnrHistory(), r.frames());
    }
}
