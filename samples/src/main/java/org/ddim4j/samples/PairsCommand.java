package org.ddim4j.samples;

import org.ddim4j.edit.ClassifierFile;
import org.ddim4j.edit.PairGeneration;
import org.ddim4j.edit.PairStore;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.Sampler;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.ddim4j.schedule.TimestepSpacing;

/** {@code ./ddim pairs}: noise-image pairs of a model, scored by the attribute classifier, streamed to disk. */
@Command(name = "pairs",
        description = "draw noise-image pairs from a model and score them with the attribute classifier (for boundaries)",
        footer = {"Latents z ~ N(0, I) from --seed, images G(z) with the deterministic sampler (EMA weights), and the",
                "classifier's probability of each attribute; written as PAIRS_DIR/latents.f32, scores.f32, meta.json."})
final class PairsCommand extends DdimCommand {
    @Mixin
    ModelOptions model;
    @Mixin
    SamplerOptions samplers;

    @Option(names = "--classifier", required = true, paramLabel = "CLS.zip", description = "the attribute classifier (./ddim classifier train)")
    Path classifier;

    @Option(names = "--count", required = true, paramLabel = "N", description = "how many pairs")
    long count;

    @Option(names = "--out", required = true, paramLabel = "PAIRS_DIR", description = "the pair store's folder")
    Path outDir;

    @Option(names = "--steps", paramLabel = "S", description = "sampling steps (default 50, the seed's)")
    Integer steps;

    @Option(names = "--skip", paramLabel = "SPACING", completionCandidates = Choice.Spacings.class,
            description = "timestep spacing: ${COMPLETION-CANDIDATES} (default: the config's diffusion.skip_type)")
    TimestepSpacing skip;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "64", description = "latents per batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "seed of the latents (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    void run(PrintStream out) throws Exception {
        if (count <= 0 || batch <= 0) {
            throw usageError("--count and --batch must be positive");
        }
        DdimModel model = this.model.load();
        var d = model.config().diffusion();
        int s = steps == null ? 50 : steps;
        if (s <= 0 || s > d.numT()) {
            throw usageError("--steps must be in [1, " + d.numT() + "], got " + s);
        }
        Sampler sampler = samplers.create(model, samplers.kind(d), s, skip == null ? d.skipType() : skip, 0.0, this);
        ClassifierFile cls = ClassifierFile.load(classifier);
        if (cls.size() != model.config().data().height()) {
            throw new IllegalArgumentException("the classifier takes " + cls.size() + " pixel images, the model makes "
                    + model.config().data().height());
        }
        long start = System.nanoTime();
        long[] last = {start};
        PairStore store = PairGeneration.generate(model, sampler, s, cls.net(), cls.attributes(), count, batch,
                seed, outDir, done -> {
                    long now = System.nanoTime();
                    if (now - last[0] > 10_000_000_000L || done == count) {
                        last[0] = now;
                        out.printf(Locale.ROOT, "%,d of %,d pairs (%s)%n", done, count, ProgressPrinter.clock((now - start) / 1e9));
                    }
                });
        out.printf(Locale.ROOT, "wrote %,d pairs (%d steps, %d attributes) to %s%n", store.meta().count(), s,
                cls.attributes().size(), outDir);
    }
}
