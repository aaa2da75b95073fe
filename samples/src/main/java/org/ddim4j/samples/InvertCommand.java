package org.ddim4j.samples;

import com.google.gson.Gson;
import org.ddim4j.image.Gif;
import org.ddim4j.image.Images;
import org.ddim4j.invert.InversionResult;
import org.ddim4j.invert.InversionSettings;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.LatentEncoder;
import org.ddim4j.invert.ReconstructionLoss;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.io.Npz;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code ./ddim invert}: real images to DDIM latents, with their reconstructions. */
final class InvertCommand implements Command {
    @Override
    public String name() {
        return "invert";
    }

    @Override
    public String summary() {
        return "invert images to DDIM latents (optimize, ode, encoder, hybrid): latents, reconstructions, GIFs, PSNR/SSIM";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim invert --weights RUN --image IMG [--image IMG ...] --out DIR [--method optimize|ode|encoder|hybrid]
                                     [--steps S] [--skip uniform|quadratic|...] [--iterations N] [--loss psnr|ssim|l1|l2|linf]
                                     [--lr LR] [--optimizer adam|nesterov] [--momentum M] [--clamp inward|hard]
                                     [--encoder ENC.ddim] [--fixed-point K] [--seed N] [--config C.yml]
                  --method     optimize: Adam through the unrolled sampler from a random start (the seed's method);
                               ode: the deterministic sampler run backwards; encoder: one pass of --encoder;
                               hybrid: the encoder's latent (or the ODE's without --encoder) refined by optimisation
                               (default hybrid)
                  --steps      sampling steps the latent is for (default: the config's diffusion.num_t_steps)
                  --iterations optimisation iterations (default 300, the seed's); --lr (default 0.01), --loss (psnr)
                  --fixed-point K fixed-point iterations per step of the ODE (ode, and hybrid's ODE start; default
                               0, the plain DDIM-ODE): each makes the round trip closer to exact for one more network
                               evaluation per step
                  --clamp      inward (default): the loss's gradient passes the [0, 1] clamp where it leads back into
                               range; hard: the seed's clamp (no gradient outside)
                Writes per image DIR/NAME.latent.npz (z [1,C,H,W]), DIR/NAME.png (target | reconstruction) and
                DIR/NAME.gif (the reconstruction's evolution; for ode, x_t from image to latent), and prints one JSON
                line per image (also in DIR/results.jsonl): image, method, steps, psnr, ssim, seconds.""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("invert", argv, Set.of(), Set.of("weights", "config", "out", "method", "steps", "skip",
                "iterations", "loss", "lr", "optimizer", "momentum", "clamp", "encoder", "seed", "fixed-point"), Set.of("image"));
        Path outDir = args.path("out");
        List<Path> images = args.list("image").stream().map(Path::of).toList();
        if (images.isEmpty()) {
            throw new UsageException("invert: give at least one --image");
        }
        Inverter.Method method = parse(() -> Inverter.Method.fromName(args.string("method", "hybrid")));
        DdimModel model = Launch.model(args);
        DdimSampler sampler = Launch.sampler(args, model);
        InversionSettings settings = settings(args);
        LatentEncoder encoder = args.has("encoder") ? LatentEncoder.load(args.path("encoder")) : null;
        if (method == Inverter.Method.ENCODER && encoder == null) {
            throw new UsageException("invert: --method encoder needs --encoder ENC.ddim (./ddim train-encoder writes one)");
        }
        int size = model.network().architecture().size();
        INDArray targets = ImageFiles.load(images, size);
        Files.createDirectories(outDir);
        int fixedPoint = args.integer("fixed-point", 0);
        if (fixedPoint < 0) {
            throw new UsageException("invert: --fixed-point must be >= 0, got " + fixedPoint);
        }
        Inverter inverter = new Inverter(model, sampler, encoder).withOdeFixedPoint(fixedPoint);
        long seed = args.longValue("seed", 0L);
        InversionResult r = inverter.invert(method, targets, settings, seed, (i, psnr, loss) -> {
            if (i == 1 || i % 10 == 0 || i == settings.iterations()) {
                out.printf(Locale.ROOT, "iteration %d/%d  mean PSNR %.2f dB%n", i, settings.iterations(),
                        psnr.meanNumber().doubleValue());
            }
        });
        Gson gson = new Gson();
        StringBuilder jsonl = new StringBuilder();
        for (int b = 0; b < images.size(); b++) {
            String stem = ImageFiles.stem(images.get(b));
            Npz.write(outDir.resolve(stem + ".latent.npz"), Map.of("z", r.latent().slice(b).reshape(1, 3, size, size).dup()));
            BufferedImage target = Images.toImage(targets.slice(b).mul(2).subi(1));
            BufferedImage recon = Images.toImage(r.reconstruction().slice(b));
            Images.writePng(Images.sideBySide(List.of(target, recon)), outDir.resolve(stem + ".png"));
            List<BufferedImage> frames = new ArrayList<>();
            for (INDArray f : r.frames()) {
                frames.add(Images.sideBySide(List.of(target, Images.toImage(f.slice(b)))));
            }
            if (frames.isEmpty()) {
                frames.add(Images.sideBySide(List.of(target, recon)));
            }
            Gif.write(frames, 150, outDir.resolve(stem + ".gif"));
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("image", images.get(b).toString());
            line.put("method", method.name().toLowerCase(Locale.ROOT));
            line.put("steps", sampler.numSteps());
            line.put("iterations", method == Inverter.Method.ODE || method == Inverter.Method.ENCODER ? 0 : settings.iterations());
            line.put("psnr", round(r.psnr().getDouble(b)));
            line.put("ssim", round(r.ssim().getDouble(b)));
            line.put("seconds", round(r.seconds() / images.size()));
            String json = gson.toJson(line);
            out.println(json);
            jsonl.append(json).append('\n');
        }
        AtomicFiles.writeString(outDir.resolve("results.jsonl"), jsonl.toString());
    }

    static InversionSettings settings(Args args) {
        InversionSettings d = InversionSettings.defaults();
        int iterations = args.integer("iterations", d.iterations());
        double lr = args.number("lr", d.learningRate());
        double momentum = args.number("momentum", d.momentum());
        var optimizer = parse(() -> InversionSettings.Optimizer.valueOf(args.string("optimizer", "adam").toUpperCase(Locale.ROOT)));
        var loss = parse(() -> ReconstructionLoss.fromName(args.string("loss", "psnr")));
        var clamp = parse(() -> ReconstructionLoss.Clamp.valueOf(args.string("clamp", "inward").toUpperCase(Locale.ROOT)));
        int frameEvery = Math.max(1, iterations / 30);
        return parse(() -> new InversionSettings(iterations, lr, optimizer, momentum, loss, frameEvery, clamp));
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static <T> T parse(java.util.function.Supplier<T> s) {
        return Launch.parse("invert", s);
    }
}
