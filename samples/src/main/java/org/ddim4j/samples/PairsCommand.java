package org.ddim4j.samples;

import org.ddim4j.edit.PairGeneration;
import org.ddim4j.edit.PairStore;
import org.ddim4j.model.DdimModel;
import org.ddim4j.sampler.DdimSampler;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** {@code ./ddim pairs}: noise-image pairs of a model, scored by the attribute classifier, streamed to disk. */
final class PairsCommand implements Command {
    @Override
    public String name() {
        return "pairs";
    }

    @Override
    public String summary() {
        return "draw noise-image pairs from a model and score them with the attribute classifier (for boundaries)";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim pairs --weights RUN --classifier CLS.zip --count N --out PAIRS_DIR [--steps 50] [--skip S]
                                    [--batch 64] [--seed 0] [--config C.yml]
                  latents z ~ N(0, I) from --seed, images G(z) with the deterministic sampler (EMA weights), and the
                  classifier's probability of each attribute; written as PAIRS_DIR/latents.f32, scores.f32, meta.json""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("pairs", argv, Set.of(), Set.of("weights", "config", "classifier", "count", "out", "steps",
                "skip", "batch", "seed"), Set.of());
        long count = args.longValue("count", 0);
        int batch = args.integer("batch", 64);
        if (count <= 0 || batch <= 0) {
            throw new UsageException("pairs: --count and --batch must be positive");
        }
        DdimModel model = Launch.model(args);
        DdimSampler sampler = args.has("steps") ? Launch.sampler(args, model)
                : model.sampler(50, model.config().diffusion().skipType(), 0.0);
        ClassifierCommand.Loaded cls = ClassifierCommand.load(args.path("classifier"));
        if (cls.size() != model.config().data().height()) {
            throw new IllegalArgumentException("the classifier takes " + cls.size() + " pixel images, the model makes "
                    + model.config().data().height());
        }
        long start = System.nanoTime();
        long[] last = {start};
        PairStore store = PairGeneration.generate(model, sampler, cls.net(), cls.attributes(), count, batch,
                args.longValue("seed", 0), args.path("out"), done -> {
                    long now = System.nanoTime();
                    if (now - last[0] > 10_000_000_000L || done == count) {
                        last[0] = now;
                        out.printf(Locale.ROOT, "%,d of %,d pairs (%s)%n", done, count, ProgressPrinter.clock((now - start) / 1e9));
                    }
                });
        out.printf(Locale.ROOT, "wrote %,d pairs (%d steps, %d attributes) to %s%n", store.meta().count(), sampler.numSteps(),
                cls.attributes().size(), args.path("out"));
    }
}
