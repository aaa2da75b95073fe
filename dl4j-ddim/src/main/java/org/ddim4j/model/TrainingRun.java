package org.ddim4j.model;

import java.nio.file.Path;

/**
 * The files of a training run folder:
 * <pre>
 * config.yml        the configuration the run was started with
 * checkpoint.ckpt   the latest checkpoint (weights, EMA, optimiser, iteration, seed)
 * model.ddim        the EMA network as a model file, for sampling (ddim sample --weights RUN)
 * loss.csv          iteration, loss, gradient norm, seconds
 * loss.png          the loss curve
 * samples/          sample grids from fixed noise, one per log_frequency iterations
 * kid.csv, kid.png  KID of the EMA samples and the real-data floor, when evaluation.kid_every is set
 * best-kid.ddim     the EMA network as it was at the lowest KID in kid.csv (the model to keep when quality peaks
 * best-kid.json     before the run ends), and that measurement: iteration, kid, kid_std (removed before the model
 *                   is replaced and written after it, so it never describes another model)
 * index.html        a page showing the run: figures, loss and KID curves, the latest samples
 * </pre>
 */
public record TrainingRun(Path dir) {
    public Path config() {
        return dir.resolve("config.yml");
    }

    public Path checkpoint() {
        return dir.resolve("checkpoint.ckpt");
    }

    public Path model() {
        return dir.resolve("model.ddim");
    }

    /** The EMA network at the lowest KID the run's probe measured. */
    public Path bestKidModel() {
        return dir.resolve("best-kid.ddim");
    }

    /** Which measurement {@link #bestKidModel()} is: iteration, kid, kid_std. */
    public Path bestKid() {
        return dir.resolve("best-kid.json");
    }

    public Path lossCsv() {
        return dir.resolve("loss.csv");
    }

    public Path lossCurve() {
        return dir.resolve("loss.png");
    }

    public Path samples() {
        return dir.resolve("samples");
    }

    public Path sampleGrid(long iteration) {
        return samples().resolve(String.format("iter-%07d.png", iteration));
    }

    public Path kidCsv() {
        return dir.resolve("kid.csv");
    }

    public Path kidCurve() {
        return dir.resolve("kid.png");
    }

    public Path page() {
        return dir.resolve("index.html");
    }
}
