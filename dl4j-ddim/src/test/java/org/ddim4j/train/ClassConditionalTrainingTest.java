package org.ddim4j.train;

import org.ddim4j.batches.ShuffledBatches;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.config.NetworkConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.random.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training a class-conditional network: TinyData's discs labelled by their colour. */
class ClassConditionalTrainingTest {
    private static final List<String> COLOURS = List.of("red", "green", "blue", "yellow");

    /** TinyData's 16 discs, image n labelled with its colour n / 4. */
    static ShuffledBatches labelledDiscs() {
        int[] labels = new int[16];
        Arrays.setAll(labels, n -> n / 4);
        return TinyData.images().withLabels(COLOURS, labels);
    }

    /** TinyData's config with a class-conditional network whose classes are yet to be filled. */
    static DdimConfig conditional(int iterations, int saveFrequency) {
        DdimConfig c = TinyData.config(4, 0.0, iterations, saveFrequency);
        NetworkConfig n = c.network();
        return c.withNetwork(new NetworkConfig(n.hiddenChannels(), n.numBlocks(), n.channelMults(), n.attentionSizes(),
                n.embedChannels(), n.dropout(), n.numGroups(), n.ema(), n.doConvSample(), true, List.of(), List.of()));
    }

    @Test
    void aNewRunTakesItsClassesAndTheirCountsFromTheData(@TempDir Path dir) throws IOException {
        Trainer trainer = Trainer.start(conditional(2, 1000), labelledDiscs(), dir, TrainingListener.NONE);
        assertEquals(COLOURS, trainer.config().network().classNames());
        assertEquals(List.of(4, 4, 4, 4), trainer.config().network().classCounts());
        DdimConfig written = ConfigLoader.load(trainer.run().config());
        assertEquals(trainer.config(), written);
        // label_embed: Linear(4 classes, embed_channels 16), in PyTorch's layout
        var specs = trainer.network().parameters().specs().stream()
                .filter(s -> s.name().startsWith("label_embed.")).toList();
        assertEquals(List.of("label_embed.weight", "label_embed.bias"), specs.stream().map(s -> s.name()).toList());
        assertArrayEquals(new long[]{16, 4}, specs.get(0).torchShape());
        assertArrayEquals(new long[]{16}, specs.get(1).torchShape());
    }

    @Test
    void aConditionalConfigWithoutLabelledDataOrWithOtherClassesIsRefused(@TempDir Path dir) throws IOException {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.start(conditional(2, 1000), TinyData.images(), dir.resolve("a"), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("class_conditional") && e.getMessage().contains("no class labels"), e.getMessage());
        Trainer.start(conditional(2, 2), labelledDiscs(), dir.resolve("b"), TrainingListener.NONE).train(null);
        int[] labels = new int[16];
        ShuffledBatches other = TinyData.images().withLabels(List.of("disc", "square"), labels);
        e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(dir.resolve("b"), other, TrainingListener.NONE, 4));
        assertTrue(e.getMessage().contains("network.class_names [red, green, blue, yellow]")
                && e.getMessage().contains("[disc, square]"), e.getMessage());
    }

    @Test
    void aResumedConditionalRunMatchesAnUninterruptedOne(@TempDir Path dir) throws IOException {
        Trainer straight = Trainer.start(conditional(8, 4), labelledDiscs(), dir.resolve("straight"), TrainingListener.NONE);
        straight.train(null);
        Trainer first = Trainer.start(conditional(4, 4), labelledDiscs(), dir.resolve("resumed"), TrainingListener.NONE);
        first.train(null);
        Trainer second = Trainer.resume(dir.resolve("resumed"), labelledDiscs(), TrainingListener.NONE, 8);
        second.train(null);
        TrainerTest.assertSameWeights(straight.network().parameters(), second.network().parameters());
        TrainerTest.assertSameWeights(straight.ema().parameters(), second.ema().parameters());
    }

    /** TinyData's conditional config with training.class_repeats. */
    static DdimConfig repeating(int iterations, int saveFrequency, java.util.Map<String, Integer> repeats) {
        DdimConfig c = conditional(iterations, saveFrequency);
        var t = c.training();
        return c.withTraining(new org.ddim4j.config.TrainingConfig(t.batchSize(), t.logBatchSize(), t.criterion(), t.numI(),
                t.logFrequency(), t.saveFrequency(), t.tensorboard(), t.seed(), t.lossWeighting(), t.minSnrGamma(),
                t.labelDropout(), repeats));
    }

    /**
     * training.class_repeats reaches the batches (the weights differ from a run without it: its epochs are longer, so
     * their orders differ from the first batch on), is recorded in the run's config, survives a resume bit for bit, and a class the images do not
     * carry is refused before the run folder is written.
     */
    @Test
    void classRepeatsChangeTheBatchesAndResumeExactly(@TempDir Path dir) throws IOException {
        var repeats = java.util.Map.of("red", 3);
        Trainer plain = Trainer.start(conditional(4, 4), labelledDiscs(), dir.resolve("plain"), TrainingListener.NONE);
        plain.train(null);
        Trainer straight = Trainer.start(repeating(8, 4, repeats), labelledDiscs(), dir.resolve("straight"), TrainingListener.NONE);
        assertEquals(repeats, ConfigLoader.load(straight.run().config()).training().classRepeats());
        straight.train(null);
        Trainer first = Trainer.start(repeating(4, 4, repeats), labelledDiscs(), dir.resolve("resumed"), TrainingListener.NONE);
        first.train(null);
        INDArray plainWeights = plain.network().parameters().trainableVector();
        INDArray repeatedWeights = first.network().parameters().trainableVector();
        assertTrue(!plainWeights.equals(repeatedWeights), "four iterations on other batches give other weights");
        Trainer second = Trainer.resume(dir.resolve("resumed"), labelledDiscs(), TrainingListener.NONE, 8);
        second.train(null);
        TrainerTest.assertSameWeights(straight.network().parameters(), second.network().parameters());
        TrainerTest.assertSameWeights(straight.ema().parameters(), second.ema().parameters());

        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.start(
                repeating(4, 4, java.util.Map.of("purple", 2)), labelledDiscs(), dir.resolve("refused"), TrainingListener.NONE));
        assertEquals("training.class_repeats names 'purple', which is not a class of the training images "
                + "[red, green, blue, yellow]", e.getMessage());
        assertTrue(!Files.exists(dir.resolve("refused")), "nothing written for a refused run");
    }

    /**
     * The network learns what the labels mean, and guidance strengthens it. Each colour's disc (13 of 64 pixels) is +1
     * in its own channels and -1 in the others on a 0 background, so the mean of (red - blue) over an image is +0.41
     * for a red disc, -0.41 for a blue one: samples of the two classes from the same noise differ by 0.82 in that mean
     * for a perfect model and by nothing for one that ignores its labels (the same noise, the same samples). The test
     * asks for an eighth of the perfect gap unguided, and for guidance (w = 2) to widen it.
     */
    @Test
    void samplesFollowTheLabelTheyAreGiven(@TempDir Path dir) throws IOException {
        Trainer trainer = Trainer.start(conditional(1200, 1000), labelledDiscs(), dir, TrainingListener.NONE);
        trainer.train(null);
        DdimModel model = trainer.model();
        INDArray z = Seeds.gaussian(5, 16, 3, 8, 8);
        double[] gap = new double[2];
        double[] weights = {0, 2};
        for (int k = 0; k < 2; k++) {
            double red = redMinusBlue(model.sampler().sample(model.noisePredictor(filled(16, 0), weights[k]), z, null));
            double blue = redMinusBlue(model.sampler().sample(model.noisePredictor(filled(16, 2), weights[k]), z, null));
            gap[k] = red - blue;
            System.out.printf(Locale.ROOT, "guidance %.0f: mean red - blue of red samples %.3f, of blue samples %.3f%n",
                    weights[k], red, blue);
        }
        assertTrue(gap[0] > 0.82 / 8, "red and blue samples unguided differ by " + gap[0]);
        assertTrue(gap[1] > gap[0], "guided gap " + gap[1] + ", unguided " + gap[0]);
    }

    private static int[] filled(int n, int label) {
        int[] out = new int[n];
        Arrays.fill(out, label);
        return out;
    }

    private static double redMinusBlue(INDArray x) {
        INDArray c = x.castTo(DataType.DOUBLE);
        return c.get(NDArrayIndex.all(), NDArrayIndex.point(0)).sub(c.get(NDArrayIndex.all(), NDArrayIndex.point(2)))
                .meanNumber().doubleValue();
    }
}
