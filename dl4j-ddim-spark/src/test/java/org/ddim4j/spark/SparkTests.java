package org.ddim4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.edit.AttributeClassifier;
import org.ddim4j.edit.ClassifierFile;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;
import org.ddim4j.unet.UNet;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the Spark tests share: one real Spark context in local mode, {@code local[2,2]} (two task threads, a task may
 * run twice: Spark's retry), kept for the whole test JVM (starting one takes seconds); a tiny model; a classifier.
 */
public final class SparkTests {
    private static JavaSparkContext context;

    private SparkTests() {
    }

    /** The shared local context (made anew if a test stopped it, as the command-line tests do). */
    public static synchronized JavaSparkContext context() {
        if (context == null || context.sc().isStopped()) {
            SparkConf conf = new SparkConf().setMaster("local[2,2]").setAppName("ddim4j tests")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
            context = new JavaSparkContext(TaskThreads.configure(conf));
        }
        return context;
    }

    /** Stops the shared context (before a command-line test starts its own). */
    public static synchronized void stop() {
        if (context != null) {
            context.stop();
            context = null;
        }
    }

    /** A tiny 16x16 model (random weights, seed 5) with a 3-step config. */
    public static DdimModel tinyModel() {
        DdimConfig c = ConfigLoader.parse("""
                data: {dataset: emoji, shape: [3, 16, 16]}
                network: {hidden_channels: 8, num_blocks: 1, channel_mults: [1, 2], attention_sizes: [8], embed_channels: 16,
                          num_groups: 4}
                diffusion: {num_t: 100, num_t_steps: 3}
                """, "tiny.yml");
        return new DdimModel(c, UNet.create(c.network(), c.data().shape(), 5));
    }

    /**
     * The tiny model, class-conditional on classes a, b and c (1, 2 and 3 training images), every weight drawn from
     * N(0, 0.1^2) (seed 5): an initialised network's last convolution is zero, so its output would not depend on the
     * label at all.
     */
    public static DdimModel tinyConditionalModel() {
        DdimConfig c = ConfigLoader.parse("""
                data: {dataset: emoji, shape: [3, 16, 16]}
                network: {hidden_channels: 8, num_blocks: 1, channel_mults: [1, 2], attention_sizes: [8], embed_channels: 16,
                          num_groups: 4, class_conditional: true, class_names: [a, b, c], class_counts: [1, 2, 3]}
                diffusion: {num_t: 100, num_t_steps: 3}
                """, "tiny-conditional.yml");
        UNet net = UNet.create(c.network(), c.data().shape(), 5);
        var weights = net.parameters().trainableVector();
        weights.assign(org.ddim4j.random.Seeds.gaussian(5, weights.length()).reshape(weights.shape()).muli(0.1));
        return new DdimModel(c, net);
    }

    /** The tiny model as a ddim4j model file. */
    public static Path tinyModelFile(Path dir) throws IOException {
        Path f = dir.resolve("tiny.ddim");
        ModelFile.save(tinyModel(), f);
        return f;
    }

    /** An (untrained, seeded) attribute classifier of 16x16 images with two attributes, written as ./ddim classifier does. */
    public static Path classifier(Path dir) throws IOException {
        Path f = dir.resolve("cls.zip");
        ModelSerializer.writeModel(AttributeClassifier.build(16, 2, 3, 10, 0.01), f.toFile(), false);
        Files.writeString(ClassifierFile.sidecar(f), "{\"attributes\": [\"smile\", \"heart\"], \"size\": 16}");
        return f;
    }
}
