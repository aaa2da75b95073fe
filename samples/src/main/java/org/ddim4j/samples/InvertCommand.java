package org.ddim4j.samples;

import com.google.gson.Gson;
import org.ddim4j.image.Gif;
import org.ddim4j.image.Images;
import org.ddim4j.invert.InversionResult;
import org.ddim4j.invert.InversionSettings;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.LatentEncoder;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.Sampler;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./ddim invert}: real images to DDIM latents, with their reconstructions. */
@Command(name = "invert",
        description = "invert images to latents (optimize, ode, encoder, hybrid; edict, bdia exactly): latents, "
                + "reconstructions, GIFs, PSNR/SSIM",
        footer = {"Writes per image DIR/NAME.latent.npz (z [1,C,H,W]; edict and bdia add the pair's y_edict or y_bdia),",
                "DIR/NAME.png (target | reconstruction) and DIR/NAME.gif (the reconstruction's evolution; for ode, x_t from",
                "image to latent), and prints one JSON line per image (also in DIR/results.jsonl): image, method, sampler, steps,",
                "iterations, psnr, ssim, seconds; with a fixed point also evaluations, residual and converged."})
final class InvertCommand extends DdimCommand {
    @Mixin
    ModelOptions model;
    @Mixin
    StepOptions steps;
    @Mixin
    InversionOptions inversion;
    @Mixin
    SamplerOptions samplers;

    @Option(names = "--image", required = true, arity = "1..*", paramLabel = "IMG", description = "the images to invert")
    List<Path> images;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the output folder")
    Path outDir;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "hybrid", completionCandidates = Choice.Methods.class,
            description = "optimize: Adam through the unrolled sampler from a random start (the seed's method); ode: the "
                    + "deterministic sampler run backwards; encoder: one pass of --encoder; hybrid: the encoder's latent "
                    + "(or the ODE's without --encoder) refined by optimisation; edict, bdia: those samplers' exact "
                    + "inverses (latent pairs) (default ${DEFAULT-VALUE})")
    Inverter.Method method;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed of the random start (default 0)")
    long seed;

    /**
     * Each image's output name: its stem, or stem-2, stem-3, ... where stems repeat (a/x.png and b/x.png), so no
     * output overwrites another; a usage error where an output would overwrite an input image.
     */
    List<String> outputStems() throws java.io.IOException {
        java.util.Set<Path> inputs = new java.util.HashSet<>();
        for (Path p : images) {
            inputs.add(p.toAbsolutePath().normalize());
            if (Files.exists(p)) {
                inputs.add(p.toRealPath());
            }
        }
        java.util.Set<String> used = new java.util.HashSet<>();
        List<String> stems = new ArrayList<>();
        for (Path p : images) {
            String stem = ImageFiles.stem(p);
            String name = stem;
            for (int k = 2; !used.add(name); k++) {
                name = stem + "-" + k;
            }
            for (String ext : new String[]{".latent.npz", ".png", ".gif"}) {
                Path o = outDir.resolve(name + ext).toAbsolutePath().normalize();
                Path real = Files.exists(o) ? o.toRealPath() : o;
                if (inputs.contains(o) || inputs.contains(real)) {
                    throw usageError("--out " + outDir + " would overwrite the input image " + p + " (with " + o.getFileName()
                            + "); choose another folder");
                }
            }
            stems.add(name);
        }
        return stems;
    }

    @Override
    void run(PrintStream out) throws Exception {
        List<String> stems = outputStems();
        DdimModel model = this.model.load();
        DdimSampler sampler = steps.deterministic(model, this);
        InversionSettings settings = inversion.settings(this);
        LatentEncoder encoder = inversion.encoder(method, this);
        var d = model.config().diffusion();
        Sampler decoder = samplers.forInversion(method, model, steps.steps(d, this), steps.spacing(d), this);
        int size = model.network().architecture().size();
        INDArray targets = ImageFiles.load(images, size);
        Files.createDirectories(outDir);
        Inverter inverter = new Inverter(model, sampler, encoder).withOdeFixedPoint(inversion.fixedPoint(this)).withSampler(decoder);
        InversionResult r = inverter.invert(method, targets, settings, seed, (i, psnr, loss) -> {
            if (i == 1 || i % 10 == 0 || i == settings.iterations()) {
                out.printf(Locale.ROOT, "iteration %d/%d  mean PSNR %.2f dB%n", i, settings.iterations(),
                        psnr.meanNumber().doubleValue());
            }
        });
        Gson gson = new Gson();
        StringBuilder jsonl = new StringBuilder();
        for (int b = 0; b < images.size(); b++) {
            String stem = stems.get(b);
            new LatentFile(r.latent(), r.partner(), method.exact() ? method.samplerKind() : null).slice(b)
                    .write(outDir.resolve(stem + ".latent.npz"));
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
            line.put("sampler", decoder instanceof org.ddim4j.sampler.InvertibleSampler e ? e.kind().key()
                    : samplers.kind == null ? "ddim" : samplers.kind.key());
            line.put("steps", sampler.numSteps());
            line.put("iterations", method == Inverter.Method.OPTIMIZE || method == Inverter.Method.HYBRID ? settings.iterations() : 0);
            line.put("psnr", round(r.psnr().getDouble(b)));
            line.put("ssim", round(r.ssim().getDouble(b)));
            if (r.fixedPoint() != null) {
                line.put("evaluations", r.fixedPoint().evaluations()[b]);
                line.put("residual", r.fixedPoint().residual()[b]);
                line.put("converged", r.fixedPoint().converged()[b]);
            }
            line.put("seconds", round(r.seconds() / images.size()));
            String json = gson.toJson(line);
            out.println(json);
            jsonl.append(json).append('\n');
        }
        AtomicFiles.writeString(outDir.resolve("results.jsonl"), jsonl.toString());
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
