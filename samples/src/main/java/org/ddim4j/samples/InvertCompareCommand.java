package org.ddim4j.samples;

import com.google.gson.GsonBuilder;
import org.ddim4j.data.Split;
import org.ddim4j.data.emoji.EmojiDataset;
import org.ddim4j.image.Images;
import org.ddim4j.invert.InversionResult;
import org.ddim4j.invert.InversionSettings;
import org.ddim4j.invert.Inverter;
import org.ddim4j.invert.LatentEncoder;
import org.ddim4j.invert.ReconstructionLoss;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;
import org.ddim4j.sampler.FixedPointSettings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

/**
 * {@code ./ddim invert-compare}: every inversion method on the same held-out images, for several step counts,
 * as a table (the README's inversion table comes from here).
 */
@Command(name = "invert-compare",
        description = "compare the inversion methods on held-out images: PSNR, SSIM and time per image, as a table",
        footer = "Writes DIR/table.md, DIR/results.json and DIR/S<steps>-<method>.png (targets on top, reconstructions below).")
final class InvertCompareCommand extends DdimCommand {
    private static final List<String> ROWS = List.of("seed", "inward", "ode", "ode-fp", "ode-anderson", "encoder",
            "hybrid-encoder", "hybrid-ode", "hybrid-ode-fp", "edict", "bdia");

    @Mixin
    ModelOptions model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the output folder")
    Path outDir;

    @Option(names = "--encoder", paramLabel = "ENC.ddim", description = "a latent encoder: adds the encoder and hybrid-encoder rows")
    Path encoderFile;

    @Option(names = "--steps", paramLabel = "S,...", split = ",", defaultValue = "10,50",
            description = "sampling step counts to compare (default ${DEFAULT-VALUE})")
    List<Integer> stepCounts;

    @Option(names = "--iterations", paramLabel = "S:N,...", split = ",", defaultValue = "10:100,50:20",
            description = "optimisation budget per step count, S:N pairs (default ${DEFAULT-VALUE}; 50 for others)")
    List<String> iterations;

    @Option(names = "--fixed-point", paramLabel = "K", defaultValue = "3",
            description = "fixed-point iterations per step of the ode-fp rows (default ${DEFAULT-VALUE})")
    int fixedPoint;

    @Option(names = "--anderson-iterations", paramLabel = "K", defaultValue = "20",
            description = "the most iterations per step of the ode-anderson row (depth 3, tolerance 1e-4; default ${DEFAULT-VALUE})")
    int andersonIterations;

    @Mixin
    SamplerOptions samplers;

    @Option(names = "--rows", paramLabel = "KEY,...", split = ",",
            description = "which rows, by key (default all): seed (optimize as the seed: random start, hard clamp), inward "
                    + "(random start, inward clamp), ode, ode-fp (ODE with fixed-point iterations), ode-anderson (the fixed "
                    + "point accelerated, with a stopping rule), encoder, hybrid-encoder (with --encoder), hybrid-ode, "
                    + "hybrid-ode-fp, edict, bdia (the exact samplers; --mixing, --gamma). --sampler decodes the ode and "
                    + "encoder rows and is the sampler the optimising rows differentiate")
    List<String> rowKeys;

    @Option(names = "--image", arity = "1..*", paramLabel = "IMG",
            description = "images to invert (default: 16 held-out emoji: the validation split's 8 images of \"Smileys & "
                    + "Emotion\" and its first 8 of \"People & Body\")")
    List<Path> images;

    @Option(names = "--data-root", paramLabel = "DIR", description = "where the emoji set is kept (default: its cache folder)")
    Path dataRoot;

    @Override
    void run(PrintStream out) throws Exception {
        if (fixedPoint < 1 || andersonIterations < 1) {
            throw usageError("--fixed-point and --anderson-iterations must be at least 1, got " + fixedPoint + " and " + andersonIterations);
        }
        List<String> chosen = rowKeys == null ? ROWS : rowKeys;
        for (String k : chosen) {
            if (!ROWS.contains(k)) {
                throw usageError("unknown row '" + k + "' in --rows; rows are " + ROWS);
            }
        }
        Map<Integer, Integer> budget = new LinkedHashMap<>();
        for (String pair : iterations) {
            String[] kv = pair.split(":");
            try {
                budget.put(Integer.parseInt(kv[0].trim()), Integer.parseInt(kv[1].trim()));
            } catch (RuntimeException e) {
                throw usageError("--iterations takes S:N pairs of whole numbers, got '" + pair + "'");
            }
            if (kv.length != 2) {
                throw usageError("--iterations takes S:N pairs of whole numbers, got '" + pair + "'");
            }
        }
        DdimModel model = this.model.load();
        LatentEncoder encoder = encoderFile != null ? LatentEncoder.load(encoderFile) : null;
        int size = model.network().architecture().size();
        List<String> names = new ArrayList<>();
        INDArray targets = images != null ? ImageFiles.load(images, size)
                : heldOutEmoji(dataRoot != null ? dataRoot : EmojiDataset.defaultRoot(), size, names);
        if (images != null) {
            images.forEach(p -> names.add(p.toString()));
        }
        Files.createDirectories(outDir);
        var d = model.config().diffusion();
        StringBuilder table = new StringBuilder("| S | method | iterations | PSNR mean (dB) | PSNR min | SSIM mean | SSIM min "
                + "| converged | seconds / image |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        List<Map<String, Object>> results = new ArrayList<>();
        int n = (int) targets.size(0);
        for (int steps : stepCounts) {
            DdimSampler sampler = model.sampler(steps, d.skipType(), 0.0);
            int iterations = budget.getOrDefault(steps, 50);
            InversionSettings inward = InversionSettings.defaults().withIterations(iterations);
            String fp = " (fixed point, " + fixedPoint + ")";
            List<Row> rows = new ArrayList<>();
            rows.add(new Row("seed", "optimize, seed (random start, hard clamp)", Inverter.Method.OPTIMIZE,
                    inward.withClamp(ReconstructionLoss.Clamp.HARD), null, FixedPointSettings.plain(0)));
            rows.add(new Row("inward", "optimize (random start, inward clamp)", Inverter.Method.OPTIMIZE, inward, null, FixedPointSettings.plain(0)));
            rows.add(new Row("ode", "ode", Inverter.Method.ODE, inward, null, FixedPointSettings.plain(0)));
            rows.add(new Row("ode-fp", "ode" + fp, Inverter.Method.ODE, inward, null, FixedPointSettings.plain(fixedPoint)));
            rows.add(new Row("ode-anderson", "ode (Anderson, at most " + andersonIterations + ")", Inverter.Method.ODE, inward,
                    null, FixedPointSettings.anderson(andersonIterations)));
            if (encoder != null) {
                rows.add(new Row("encoder", "encoder", Inverter.Method.ENCODER, inward, encoder, FixedPointSettings.plain(0)));
                rows.add(new Row("hybrid-encoder", "hybrid (encoder start)", Inverter.Method.HYBRID, inward, encoder, FixedPointSettings.plain(0)));
            }
            rows.add(new Row("hybrid-ode", "hybrid (ode start)", Inverter.Method.HYBRID, inward, null, FixedPointSettings.plain(0)));
            rows.add(new Row("hybrid-ode-fp", "hybrid (ode" + fp + " start)", Inverter.Method.HYBRID, inward, null,
                    FixedPointSettings.plain(fixedPoint)));
            rows.add(new Row("edict", "edict", Inverter.Method.EDICT, inward, null, FixedPointSettings.plain(0)));
            rows.add(new Row("bdia", "bdia", Inverter.Method.BDIA, inward, null, FixedPointSettings.plain(0)));
            for (Row row : rows) {
                if (!chosen.contains(row.key())) {
                    continue;
                }
                String label = row.label();
                Inverter.Method method = row.method();
                InversionSettings settings = row.settings();
                Inverter inverter = new Inverter(model, sampler, row.encoder()).withOdeFixedPoint(row.fixedPoint())
                        .withSampler(samplers.forInversion(method, model, steps, d.skipType(), this));
                InversionResult r = inverter.invert(method, targets, settings, 0, null);
                boolean iterates = method == Inverter.Method.OPTIMIZE || method == Inverter.Method.HYBRID;
                String converged = "-";
                if (r.fixedPoint() != null) {
                    int c = 0;
                    for (boolean v : r.fixedPoint().converged()) {
                        c += v ? 1 : 0;
                    }
                    converged = c + " / " + n;
                }
                String line = String.format(Locale.ROOT, "| %d | %s | %s | %.2f | %.2f | %.3f | %.3f | %s | %.2f |", steps, label,
                        iterates ? Integer.toString(settings.iterations()) : "-", r.psnr().meanNumber().doubleValue(),
                        r.psnr().minNumber().doubleValue(), r.ssim().meanNumber().doubleValue(),
                        r.ssim().minNumber().doubleValue(), converged, r.seconds() / n);
                out.println(line);
                table.append(line).append('\n');
                Map<String, Object> res = new LinkedHashMap<>();
                res.put("steps", steps);
                res.put("method", label);
                res.put("iterations", iterates ? settings.iterations() : 0);
                res.put("psnr", r.psnr().toDoubleVector());
                res.put("ssim", r.ssim().toDoubleVector());
                res.put("seconds_per_image", r.seconds() / n);
                if (r.fixedPoint() != null) {
                    res.put("converged", r.fixedPoint().converged());
                    res.put("evaluations", r.fixedPoint().evaluations());
                }
                res.put("images", names);
                results.add(res);
                String file = String.format(Locale.ROOT, "S%d-%s.png", steps, label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-+$", ""));
                Images.writePng(Images.grid(Nd4j.concat(0, targets.mul(2).subi(1), r.reconstruction()), n), outDir.resolve(file));
                AtomicFiles.writeString(outDir.resolve("table.md"), table.toString());
                AtomicFiles.writeString(outDir.resolve("results.json"),
                        new GsonBuilder().setPrettyPrinting().create().toJson(results));
            }
        }
    }

    /** One row of the table: a method with its settings, selected by key. */
    private record Row(String key, String label, Inverter.Method method, InversionSettings settings, LatentEncoder encoder,
                       FixedPointSettings fixedPoint) {
    }

    /** The validation split's images of "Smileys & Emotion" (8) and the first 8 of "People & Body": [16, 3, s, s]. */
    static INDArray heldOutEmoji(Path root, int size, List<String> names) throws Exception {
        EmojiDataset ds = EmojiDataset.open(root, true);
        List<EmojiDataset.Entry> valid = ds.entries(Split.VALID);
        List<EmojiDataset.Entry> chosen = new ArrayList<>(valid.stream()
                .filter(e -> e.categoryName().equals("Smileys & Emotion")).toList());
        valid.stream().filter(e -> e.categoryName().equals("People & Body")).limit(16 - chosen.size()).forEach(chosen::add);
        chosen.forEach(e -> names.add(e.file()));
        return ds.tensors(chosen, size).addi(1).divi(2);
    }
}
