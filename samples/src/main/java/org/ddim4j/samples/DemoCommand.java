package org.ddim4j.samples;

import org.ddim4j.evaluation.KidProbe;
import org.ddim4j.metrics.EmojiFeatures;
import org.ddim4j.random.Seeds;
import org.ddim4j.train.QualityProbe;
import org.ddim4j.unet.UNet;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.Preset;
import org.ddim4j.config.Dataset;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.data.Datasets;
import org.ddim4j.data.emoji.EmojiDataset;
import org.ddim4j.image.Images;
import org.ddim4j.image.TrajectoryGif;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.sampler.SampleResult;
import org.ddim4j.batches.ShuffledBatches;
import org.ddim4j.train.Trainer;
import org.ddim4j.train.TrainingListener;
import org.ddim4j.config.LearningRateDecay;
import org.ddim4j.model.TrainingRun;
import org.ddim4j.model.DdimModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ddim demo}: fetches the emoji set if needed, trains the small demo U-Net for a bounded time, then
 * writes a sample grid, a denoising GIF, the loss curve and an index.html showing them. Run it again to
 * continue training the same model.
 */
@Command(name = "demo", description = "train a small DDIM on the emoji set for a few minutes and show what it draws",
        footer = "Running the demo again with the same --out continues training the same model.")
final class DemoCommand extends DdimCommand {
    static final String DEFAULT_CATEGORY = "Smileys & Emotion";
    static final int FINAL_SAMPLES = 48;

    /**
     * Seconds the work after training needs: {pictures, KID}: the final samples, the trainer's last sample grid and
     * checkpoint; with {@code kid}, one KID measurement's samples (evaluation.kid_samples at kid_steps, half again for
     * the features and the plan of their batch size), else 0. Estimated from one timed forward pass at the final
     * batch size.
     */
    private static double[] finalWorkSeconds(DdimConfig config, UNet net, boolean kid) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, FINAL_SAMPLES, 3, config.data().height(), config.data().width());
        INDArray t = Nd4j.zeros(DataType.FLOAT, FINAL_SAMPLES);
        net.predictNoise(x, t);
        long t0 = System.nanoTime();
        net.predictNoise(x, t);
        double forward = (System.nanoTime() - t0) / 1e9;
        double perSample = forward / FINAL_SAMPLES;
        int steps = config.diffusion().numTSteps();
        // the trajectory's DDIM run, and the samples again with the config's sampler when it is another one
        int runs = config.diffusion().sampler() == SamplerKind.DDIM ? 1 : 2;
        double pictures = runs * steps * forward + steps * perSample * config.training().logBatchSize() + 20;
        var e = config.evaluation();
        int kidSteps = e.kidSteps() > 0 ? e.kidSteps() : steps;
        return new double[]{pictures, kid ? 1.5 * kidSteps * perSample * e.kidSamples() + 5 : 0};
    }

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/demo",
            description = "output folder (default ${DEFAULT-VALUE}): samples.png, trajectory.gif, loss.png, index.html, run/")
    Path outDir;

    @Option(names = "--pretrained",
            description = "no training: sample from the emoji weights shipped with ddim4j (offline, seconds); with the "
                    + "emoji set already fetched, nearest.png pairs each sample with its nearest training image")
    boolean pretrained;

    @Option(names = "--quick", description = "at most 2 minutes in all (default: at most 15)")
    boolean quick;

    @Option(names = "--minutes", paramLabel = "M", description = "total time budget in minutes, overriding the default")
    Double minutes;

    @Option(names = "--data-root", paramLabel = "DIR",
            description = "where the emoji set is kept (default ~/.ddim4j/datasets/emoji-datasource-google-16.0.0)")
    Path dataRoot;

    @Option(names = "--category", paramLabel = "NAME|all", defaultValue = DEFAULT_CATEGORY,
            description = "train on one emoji category (default \"${DEFAULT-VALUE}\"), or all")
    String category;

    @Override
    void run(PrintStream out) throws Exception {
        long start = System.nanoTime();
        Path dataRoot = this.dataRoot != null ? this.dataRoot : EmojiDataset.defaultRoot();
        if (pretrained) {
            PretrainedDemo.run(outDir, dataRoot, out);
            return;
        }
        double minutes = this.minutes != null ? this.minutes : quick ? 2 : 15;
        if (!(minutes > 0)) {
            throw usageError("--minutes must be positive, got " + minutes);
        }

        DdimConfig config = ConfigLoader.preset(Preset.EMOJI);
        if (category.equals(DEFAULT_CATEGORY)) {
            // the run's config names the images it trains on, so that ./ddim train --resume continues on them (with
            // data.dataset emoji it went on with all 3,597 emoji: KID against the smileys rose from 204 to 25,217)
            config = config.withData(config.data().withDataset(Dataset.EMOJI_SMILEYS, config.data().root()));
        }
        out.println("emoji set: " + dataRoot);
        EmojiDataset ds = EmojiDataset.open(dataRoot, true);
        if (!category.equals("all") && !ds.categories().contains(category)) {
            throw usageError("--category must be one of " + ds.categories() + " or all, got '" + category + "'");
        }
        ShuffledBatches data = Datasets.emoji(config.data(), dataRoot, config.training().seed(),
                e -> category.equals("all") || e.categoryName().equals(category));
        out.printf(Locale.ROOT, "training on %d emoji (%s) at %dx%d; budget %.1f minutes%n", data.size(), category,
                config.data().height(), config.data().width(), minutes);

        // Time left for training: the budget less what was spent so far and what the final pictures need.
        Path runDir = outDir.resolve("run");
        Files.createDirectories(outDir);
        Images.writePng(Images.grid(data.images(64)), outDir.resolve("training-images.png"));
        ProgressPrinter progress = new ProgressPrinter(out, System.console() != null, 0);
        // a decaying learning rate reaches 0 at training.num_i: the run is sized to the budget once its speed is known
        TimeBudgetFit fit = config.optimizer().decay() == LearningRateDecay.CONSTANT ? null : new TimeBudgetFit(progress, out);
        TrainingListener listener = fit == null ? progress : fit;
        Trainer trainer;
        if (Files.exists(new TrainingRun(runDir).checkpoint())) {
            trainer = Trainer.resume(runDir, data, listener, 0);
            out.printf("continuing the previous demo run at iteration %d%n", trainer.iteration());
        } else {
            trainer = Trainer.start(config, data, runDir, listener);
        }
        // KID every evaluation.kid_every iterations, and once at the end, against the images it trains on
        String reference = category.equals(DEFAULT_CATEGORY) ? "emoji-smileys" : category.equals("all") ? "emoji" : null;
        KidProbe probe = reference == null ? null
                : TrainCommand.kidProbe(EmojiFeatures.shipped(), trainer.config(), reference, dataRoot, out);
        if (probe != null) {
            trainer.withQualityProbe(probe);
        }
        double[] finalWork = finalWorkSeconds(trainer.config(), trainer.ema(), probe != null);
        double spent = (System.nanoTime() - start) / 1e9;
        Duration trainTime = Duration.ofMillis((long) (1000 * Math.max(5, minutes * 60 - spent - finalWork[0] - finalWork[1])));
        progress.setDeadline(System.nanoTime() + trainTime.toNanos());
        if (fit != null) {
            fit.fit(trainer, System.nanoTime() + trainTime.toNanos(), finalWork[1]);
        }
        long before = trainer.iteration();
        long trainStart = System.nanoTime();
        double loss = trainer.train(trainTime);
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        double itPerSec = (trainer.iteration() - before) / Math.max(1e-9, trainSeconds);

        // Final pictures with the EMA weights: the samples with the config's sampler, the trajectory with DDIM's steps
        // (its x_t and predicted x_0 at each step)
        var d = trainer.config().diffusion();
        DdimModel model = trainer.model();
        INDArray noise = Seeds.gaussian(2026, FINAL_SAMPLES, 3, config.data().height(), config.data().width());
        var generating = model.generatingPredictor(FINAL_SAMPLES, 2027);
        SampleResult result = model.sampler().run(generating, noise, null, true);
        INDArray samples = d.sampler() == SamplerKind.DDIM ? result.sample()
                : model.sampler(d.sampler(), d.numTSteps(), d.skipType(), 0.0).sample(generating, noise, null);
        Images.writePng(Images.grid(samples, 8), outDir.resolve("samples.png"));
        TrajectoryGif.write(result.xs(), result.x0Predictions(), result.sample(), 9, outDir.resolve("trajectory.gif"));
        Files.copy(new TrainingRun(runDir).lossCurve(), outDir.resolve("loss.png"), StandardCopyOption.REPLACE_EXISTING);
        QualityProbe.Measurement kid = null;
        if (probe != null) {
            kid = probe.measure(trainer.model());
            out.printf(Locale.ROOT, "KID x1000 of %d samples: %.3f (std %.3f); floor (real images against real images): %.3f (std %.3f)%n",
                    trainer.config().evaluation().kidSamples(), 1000 * kid.kid(), 1000 * kid.kidStd(), 1000 * kid.floor(), 1000 * kid.floorStd());
            TrainingRun run = new TrainingRun(runDir);
            if (Files.exists(run.kidCurve())) {
                Files.copy(run.kidCurve(), outDir.resolve("kid.png"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        double total = (System.nanoTime() - start) / 1e9;
        AtomicFiles.writeString(outDir.resolve("index.html"), html(trainer, category, data.size(), loss, itPerSec, total, kid,
                Files.exists(outDir.resolve("kid.png")), gridsOverTime(outDir, new TrainingRun(runDir))));
        out.printf(Locale.ROOT, "%ndemo done in %s: %d iterations (%.2f it/s), final loss %.4f%n", ProgressPrinter.clock(total),
                trainer.iteration(), itPerSec, loss);
        out.println("  samples:        " + outDir.resolve("samples.png"));
        out.println("  denoising GIF:  " + outDir.resolve("trajectory.gif"));
        out.println("  loss curve:     " + outDir.resolve("loss.png"));
        out.println("  page:           " + outDir.resolve("index.html").toAbsolutePath());
        out.println("  model:          " + runDir + "  (./ddim sample --weights " + runDir + " --output more.png)");
    }

    /** Up to 6 of the run's sample grids (fixed noise, every training.log_frequency iterations), evenly spaced, as HTML. */
    static String gridsOverTime(Path outDir, TrainingRun run) throws java.io.IOException {
        if (!Files.isDirectory(run.samples())) {
            return "";
        }
        java.util.List<Path> grids;
        try (var files = Files.list(run.samples())) {
            grids = files.filter(f -> f.getFileName().toString().matches("iter-\\d+\\.png")).sorted().toList();
        }
        if (grids.isEmpty()) {
            return "";
        }
        int shown = Math.min(6, grids.size());
        StringBuilder html = new StringBuilder("<h2>Samples during training</h2><p>The same noise every time, EMA weights.</p>\n");
        for (int k = 0; k < shown; k++) {
            Path g = grids.get(shown == 1 ? grids.size() - 1 : (int) Math.round((double) k * (grids.size() - 1) / (shown - 1)));
            String name = g.getFileName().toString();
            long iteration = Long.parseLong(name.substring(5, name.length() - 4));
            html.append(String.format(Locale.ROOT, "<figure style=\"display:inline-block\"><img src=\"%s\" width=\"136\" "
                    + "alt=\"samples at iteration %d\"><figcaption>iteration %,d</figcaption></figure>%n",
                    outDir.relativize(g).toString().replace('\\', '/'), iteration, iteration));
        }
        return html.toString();
    }

    private static String html(Trainer trainer, String category, int images, double loss, double itPerSec, double seconds,
                               QualityProbe.Measurement kid, boolean kidCurve, String gridsOverTime) {
        DdimConfig c = trainer.config();
        String quality = kid == null ? "" : String.format(Locale.ROOT, """
                <h2>Sample quality</h2><p>KID x1000 (emoji features, %d samples, %d steps, the unbiased MMD<sup>2</sup>
                times 1000): <b>%.3f</b> (std %.3f). The floor, the same figure for real images against the category's
                training images (random halves of them when the category has too few held-out images), what a perfect
                model reaches: %.3f (std %.3f; KID is unbiased, so a perfect model's expected value is 0, and the std shows how
                far chance alone moves it). Lower is better.</p>
                %s
                """, c.evaluation().kidSamples(), c.evaluation().kidSteps() > 0 ? c.evaluation().kidSteps()
                        : c.diffusion().numTSteps(), 1000 * kid.kid(), 1000 * kid.kidStd(), 1000 * kid.floor(),
                1000 * kid.floorStd(), kidCurve ? "<img src=\"kid.png\" alt=\"KID during training\">" : "");
        return String.format(Locale.ROOT, """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>ddim4j demo</title>
                <style>body{font-family:sans-serif;max-width:960px;margin:2em auto}img{image-rendering:pixelated;
                border:1px solid #ccc;margin:4px}td{padding:2px 12px}</style></head><body>
                <h1>ddim4j demo: a DDIM trained on emoji</h1>
                <p>A %,d-parameter U-Net trained for %d iterations (%.2f it/s) on %d emoji (%s) at %dx%d,
                in %s in all. Final training loss (%s): %.4f.</p>
                <h2>Samples</h2><p>48 samples from fixed noise, %d steps of %s (%s spacing, eta 0), EMA weights.</p>
                <img src="samples.png" width="%d" alt="samples">
                %s
                %s
                <h2>Denoising</h2><p>x<sub>t</sub> (left) and the predicted x<sub>0</sub> (right) at each step.</p>
                <img src="trajectory.gif" alt="denoising trajectory">
                <h2>Training data</h2><img src="training-images.png" width="%d" alt="training images">
                <h2>Loss</h2><img src="loss.png" alt="loss curve">
                <p>Model: <code>run/model.ddim</code>. More samples: <code>./ddim sample --weights run --output more.png</code>.</p>
                </body></html>
                """, trainer.ema().parameters().trainableCount(), trainer.iteration(), itPerSec, images, category,
                c.data().height(), c.data().width(), ProgressPrinter.clock(seconds), c.training().criterion(), loss,
                c.diffusion().numTSteps(), c.diffusion().sampler().key(), c.diffusion().skipType(), 8 * 34 * 2, quality, gridsOverTime,
                8 * 34 * 2);
    }
}
