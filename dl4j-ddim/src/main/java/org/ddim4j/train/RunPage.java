package org.ddim4j.train;

import org.ddim4j.model.TrainingRun;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

/** A run folder's {@code index.html}: what was trained, the loss and KID curves and the latest samples. */
final class RunPage {
    private RunPage() {
    }

    static void write(TrainingRun run, DdimConfig c, long iteration, double elapsedSeconds) throws IOException {
        List<double[]> kid = KidLog.read(run.kidCsv(), iteration);
        String kidPart = "";
        if (!kid.isEmpty()) {
            double[] last = kid.get(kid.size() - 1);
            kidPart = String.format(Locale.ROOT, """
                    <h2>Sample quality</h2><p>KID x1000 of %d EMA samples (%s steps) at iteration %d: <b>%.3f</b>
                    (std %.3f); real images against the same reference (the floor: held-out images, or random halves of the reference when they are few): %s.</p>
                    <img src="kid.png" alt="KID curve">
                    """, c.evaluation().kidSamples(), c.evaluation().kidSteps() == 0 ? c.diffusion().numTSteps()
                            : c.evaluation().kidSteps(), (long) last[0], 1000 * last[1], 1000 * last[2],
                    Double.isFinite(last[3]) ? String.format(Locale.ROOT, "%.3f (std %.3f)", 1000 * last[3], 1000 * last[4])
                            : "none (no held-out split)");
        }
        String grid = "";
        if (Files.isDirectory(run.samples())) {
            try (var s = Files.list(run.samples())) {
                grid = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted()
                        .reduce((a, b) -> b).map(n -> "<h2>Samples</h2><p>Fixed noise, EMA weights: samples/" + n
                                + "</p><img src=\"samples/" + n + "\" width=\"512\" alt=\"samples\">").orElse("");
            }
        }
        AtomicFiles.writeString(run.page(), String.format(Locale.ROOT, """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>ddim4j run</title>
                <style>body{font-family:sans-serif;max-width:960px;margin:2em auto}img{image-rendering:pixelated;
                border:1px solid #ccc;margin:4px}</style></head><body>
                <h1>ddim4j training run</h1>
                <p>%s at %dx%d, %d of %d iterations, %.0f s of training. Model: <code>model.ddim</code>.</p>
                <h2>Loss</h2><img src="loss.png" alt="loss curve">
                %s%s
                </body></html>
                """, c.data().dataset(), c.data().height(), c.data().width(), iteration, c.training().numI(),
                elapsedSeconds, kidPart, grid));
    }
}
