package org.ddim4j.invert;

import org.ddim4j.random.Seeds;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.sampler.SampleResult;
import org.ddim4j.sampler.FixedPointInversion;
import org.ddim4j.sampler.FixedPointSettings;
import org.ddim4j.sampler.InvertibleSampler;
import org.ddim4j.sampler.LatentPair;
import org.ddim4j.sampler.Sampler;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.sampler.DifferentiableSampler;
import org.ddim4j.sampler.UnrolledSampler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ways from real images to latents, for one model and one deterministic sampler (the latent is the x_T that
 * the sampler maps to the image):
 * <ul>
 *   <li>{@link Method#OPTIMIZE}: {@link OptimizationInversion} from a random start (the seed's method), through DDIM's
 *       steps;</li>
 *   <li>{@link Method#ODE}: DDIM's steps run backwards ({@link DdimSampler#encode}), each optionally solved for its
 *       exact point ({@link FixedPointInversion}: plain or Anderson-accelerated, with a stopping rule);</li>
 *   <li>{@link Method#ENCODER}: one pass of a trained {@link LatentEncoder};</li>
 *   <li>{@link Method#HYBRID}: the encoder's latent (or the ODE's, without an encoder) refined by
 *       optimisation;</li>
 *   <li>{@link Method#EDICT}, {@link Method#BDIA}: an {@link InvertibleSampler}'s exact inverse; the latent is a pair
 *       (x_T and {@link InversionResult#partner()}).</li>
 * </ul>
 * The reconstruction (and the sampler the latents are for) is DDIM's unless {@link #withSampler} names another:
 * ODE's and the encoder's latents can be decoded by any deterministic sampler of the same probability-flow ODE;
 * optimisation differentiates the chosen sampler ({@link UnrolledSampler} for all but DDIM). Targets are images in
 * [0, 1], [B, C, H, W].
 */
public final class Inverter {
    public enum Method {
        OPTIMIZE, ODE, ENCODER, HYBRID, EDICT, BDIA;

        /** The method spelt {@code name} (case-insensitive); the error lists them all. */
        public static Method fromName(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("unknown inversion method '" + name + "'; expected optimize, ode, encoder, "
                        + "hybrid, edict or bdia");
            }
        }

        /** EDICT and BDIA: exact by construction, latents are pairs. */
        public boolean exact() {
            return this == EDICT || this == BDIA;
        }

        /** The sampler an exact method inverts. */
        public SamplerKind samplerKind() {
            return switch (this) {
                case EDICT -> SamplerKind.EDICT;
                case BDIA -> SamplerKind.BDIA;
                default -> throw new IllegalStateException(this + " is not one sampler's exact inverse");
            };
        }
    }

    private final DifferentiableNoisePredictor network;
    private final DdimSampler sampler;
    private final LatentEncoder encoder;
    private final FixedPointSettings fixedPoint;
    private final Sampler decoder;

    /** @param encoder a trained encoder, or null (then ENCODER is unavailable and HYBRID starts from the ODE) */
    public Inverter(DdimModel model, DdimSampler sampler, LatentEncoder encoder) {
        this(model.noisePredictor(), sampler, encoder);
    }

    /** For any differentiable network (the model's, usually its EMA weights). */
    public Inverter(DifferentiableNoisePredictor network, DdimSampler sampler, LatentEncoder encoder) {
        this(network, sampler, encoder, FixedPointSettings.plain(0), sampler);
    }

    private Inverter(DifferentiableNoisePredictor network, DdimSampler sampler, LatentEncoder encoder,
                     FixedPointSettings fixedPoint, Sampler decoder) {
        if (sampler.eta() != 0) {
            throw new IllegalArgumentException("inversion needs the deterministic sampler (eta 0), got eta " + sampler.eta());
        }
        this.network = network;
        this.sampler = sampler;
        this.encoder = encoder;
        this.fixedPoint = fixedPoint;
        this.decoder = decoder;
    }

    /**
     * This inverter with {@code iterations} plain fixed-point iterations per step of the DDIM-ODE inversion (ODE and
     * the hybrid's ODE start; see {@link DdimSampler#encode(org.ddim4j.schedule.NoisePredictor, INDArray, boolean, int)}).
     */
    public Inverter withOdeFixedPoint(int iterations) {
        return withOdeFixedPoint(FixedPointSettings.plain(iterations));
    }

    /** This inverter solving each DDIM-ODE step by {@link FixedPointInversion} with these settings. */
    public Inverter withOdeFixedPoint(FixedPointSettings settings) {
        return new Inverter(network, sampler, encoder, settings, decoder);
    }

    /**
     * This inverter's latents for {@code s}: the reconstruction of ODE and encoder latents, the exact inverse of EDICT
     * and BDIA (then {@code s} must be the {@link InvertibleSampler} of that method).
     */
    public Inverter withSampler(Sampler s) {
        return new Inverter(network, sampler, encoder, fixedPoint, s);
    }

    public int odeFixedPoint() {
        return fixedPoint.maxIterations();
    }

    public DdimSampler sampler() {
        return sampler;
    }

    /** The sampler the latents are for (DDIM's unless {@link #withSampler} named another). */
    public Sampler decoder() {
        return decoder;
    }

    /** Random starting latents, N(0, I), from a seed. */
    public static INDArray randomLatents(long[] shape, long seed) {
        return Seeds.gaussian(seed, shape);
    }

    public InversionResult invert(Method method, INDArray targets, InversionSettings settings, long seed,
                                  OptimizationInversion.Listener listener) {
        return switch (method) {
            case OPTIMIZE -> OptimizationInversion.invert(network, differentiable(), targets,
                    randomLatents(targets.shape(), seed), settings, listener);
            case ODE -> ode(targets, settings.frameEvery() > 0);
            case ENCODER -> encoder(targets);
            case HYBRID -> hybrid(targets, settings, listener);
            case EDICT, BDIA -> exact(method, targets);
        };
    }

    /** DDIM-ODE inversion; with {@code frames}, the frames are x_t from the image to the latent. */
    public InversionResult ode(INDArray targets, boolean frames) {
        long t0 = System.nanoTime();
        OdeLatent enc = odeLatent(targets.castTo(DataType.FLOAT).mul(2).subi(1), frames);
        INDArray x = decoder.sample(network, enc.run().sample(), null);
        List<INDArray> f = frames ? new ArrayList<>(enc.run().xs()) : List.of();
        return InversionResult.measured(enc.run().sample(), x, targets, (System.nanoTime() - t0) / 1e9, List.of(), f)
                .with(null, enc.report());
    }

    /** The DDIM-ODE latent of images in model range, with the fixed point's report where one was iterated. */
    private OdeLatent odeLatent(INDArray images, boolean frames) {
        if (fixedPoint.tolerance() == 0 && fixedPoint.depth() == 0) {
            return new OdeLatent(sampler.encode(network, images, frames, fixedPoint.maxIterations()), null);
        }
        FixedPointInversion.Result r = new FixedPointInversion(sampler, fixedPoint).invert(network, images, frames);
        return new OdeLatent(r.run(), r);
    }

    private record OdeLatent(SampleResult run, FixedPointInversion.Result report) {
    }

    public InversionResult encoder(INDArray targets) {
        if (encoder == null) {
            throw new IllegalStateException("the encoder method needs a trained encoder (./ddim train-encoder)");
        }
        long t0 = System.nanoTime();
        INDArray z = encoder.encode(targets);
        INDArray x = decoder.sample(network, z, null);
        return InversionResult.measured(z, x, targets, (System.nanoTime() - t0) / 1e9, List.of(), List.of());
    }

    /** The encoder's (or the ODE's) latent, refined by optimisation; the time includes the start. */
    public InversionResult hybrid(INDArray targets, InversionSettings settings, OptimizationInversion.Listener listener) {
        long t0 = System.nanoTime();
        INDArray start = encoder != null ? encoder.encode(targets)
                : odeLatent(targets.castTo(DataType.FLOAT).mul(2).subi(1), false).run().sample();
        InversionResult r = OptimizationInversion.invert(network, differentiable(), targets, start, settings, listener);
        return new InversionResult(r.latent(), r.reconstruction(), r.psnr(), r.ssim(), (System.nanoTime() - t0) / 1e9,
                r.psnrHistory(), r.frames());
    }

    /** The sampler the optimisation differentiates: DDIM's own backward pass, or the chosen sampler unrolled. */
    private DifferentiableSampler differentiable() {
        if (decoder == sampler) {
            return sampler;
        }
        if (decoder instanceof InvertibleSampler) {
            throw new IllegalArgumentException("EDICT and BDIA latents come from their exact inverses (--method edict, bdia)");
        }
        return new UnrolledSampler(decoder);
    }

    /** EDICT's or BDIA's exact inverse: the pair, and its decoding as the reconstruction. */
    public InversionResult exact(Method method, INDArray targets) {
        if (!(decoder instanceof InvertibleSampler exact) || exact.kind() != method.samplerKind()) {
            throw new IllegalArgumentException("--method " + method.name().toLowerCase(Locale.ROOT)
                    + " needs the " + method.samplerKind() + " sampler (Inverter.withSampler)");
        }
        long t0 = System.nanoTime();
        LatentPair pair = exact.encode(network, targets.castTo(DataType.FLOAT).mul(2).subi(1));
        INDArray x = exact.decode(network, pair);
        return InversionResult.measured(pair.x(), x, targets, (System.nanoTime() - t0) / 1e9, List.of(), List.of())
                .with(pair.y(), null);
    }
}
