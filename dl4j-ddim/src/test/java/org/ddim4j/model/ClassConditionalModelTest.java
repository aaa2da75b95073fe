package org.ddim4j.model;

import org.ddim4j.config.DdimConfig;
import org.ddim4j.config.Defaults;
import org.ddim4j.config.NetworkConfig;
import org.ddim4j.random.Seeds;
import org.ddim4j.schedule.DifferentiableNoisePredictor;
import org.ddim4j.schedule.GuidedNoisePredictor;
import org.ddim4j.schedule.Linearization;
import org.ddim4j.unet.UNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A class-conditional network, its class prior and classifier-free guidance. */
public class ClassConditionalModelTest {
    private static final List<String> NAMES = List.of("smile", "heart", "cat");

    /**
     * A small conditional model on 8x8 images with random weights (a fresh network's output convolution is zero, which
     * would make every prediction and gradient 0). Classes "smile", "heart", "cat" with training counts 1, 3, 0.
     */
    public static DdimModel model() {
        NetworkConfig net = new NetworkConfig(8, 1, List.of(1, 2), List.of(4), 16, 0.0, 4, 0.9, true, true, NAMES,
                List.of(1, 3, 0));
        DdimConfig config = Defaults.config().withNetwork(net).withData(Defaults.data().withShape(List.of(3, 8, 8)));
        UNet network = UNet.create(net, config.data().shape(), 3);
        long seed = 100;
        for (INDArray p : network.parameters().arrays().values()) {
            p.addi(Seeds.gaussian(seed++, p.shape()).muli(0.1));
        }
        return new DdimModel(config, network);
    }

    private static INDArray x() {
        return Seeds.gaussian(1, 3, 3, 8, 8);
    }

    private static INDArray t() {
        return Nd4j.createFromArray(10f, 500f, 990f);
    }

    private static double maxAbs(INDArray a) {
        return a.castTo(DataType.DOUBLE).amaxNumber().doubleValue();
    }

    @Test
    void eachImageFollowsItsOwnLabelAndTheZeroRowIsTheNullClass() {
        DdimModel m = model();
        UNet net = m.network();
        INDArray nullClass = net.predictNoise(x(), t());
        INDArray labelled = net.predictNoise(x(), t(), m.classes().oneHot(new int[]{0, -1, 2}));
        INDArray other = net.predictNoise(x(), t(), m.classes().oneHot(new int[]{1, -1, 2}));
        // image 1 has the null class in both: identical to the unconditional prediction; images 0 and 2 are not
        assertEquals(nullClass.slice(1), labelled.slice(1));
        assertNotEquals(nullClass.slice(0), labelled.slice(0));
        assertNotEquals(nullClass.slice(2), labelled.slice(2));
        // changing image 0's label changes image 0 only (GroupNorm and attention act within an image)
        assertNotEquals(labelled.slice(0), other.slice(0));
        assertEquals(labelled.slice(2), other.slice(2));
    }

    @Test
    void badLabelsAreRefusedNamingWhatWasExpected() {
        DdimModel m = model();
        var e = assertThrows(IllegalArgumentException.class,
                () -> m.network().predictNoise(x(), t(), Nd4j.zeros(DataType.FLOAT, 3, 4)));
        assertEquals("labels must be one-hot [B, K] with B = 3, K = 3, got [3, 4]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.classes().oneHot(new int[]{0, 3}));
        assertEquals("label 3 of image 1 is outside 0..2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.classes().label("dog"));
        assertEquals("unknown class 'dog'; the model's classes are [smile, heart, cat]", e.getMessage());
        UNet unconditional = UNet.create(new NetworkConfig(8, 1, List.of(1, 2), List.of(4), 16, 0.0, 4, 0.9, true),
                List.of(3, 8, 8), 0);
        e = assertThrows(IllegalArgumentException.class, () -> unconditional.conditionedOn(Nd4j.zeros(DataType.FLOAT, 3, 3)));
        assertEquals("this network is unconditional: it takes no class labels", e.getMessage());
    }

    /**
     * Guidance is eq. 6 of Ho and Salimans, and its vector-Jacobian product is the directional derivative of that
     * combination. The derivative is checked against a central difference in float64 arithmetic on float32
     * predictions: step h = 1e-2 along a unit-variance direction leaves a truncation error of order h^2 (1e-4 of the
     * derivative's scale) and a rounding error of about 6e-8 |eps| / h per element (6e-6); 1e-2 of the derivative bounds
     * both with room.
     */
    @Test
    void guidanceCombinesTheConditionalAndNullPredictionsAndItsGradientIsTheirs() {
        DdimModel m = model();
        int[] labels = {0, 1, 2};
        double w = 2.5;
        DifferentiableNoisePredictor guided = m.noisePredictor(labels, w);
        INDArray cond = m.noisePredictor(labels, 0).predictNoise(x(), t());
        INDArray uncond = m.noisePredictor().predictNoise(x(), t());
        // 1. (1 + w) eps(x, c) - w eps(x)
        INDArray expected = cond.mul(1 + w).sub(uncond.mul(w));
        assertTrue(maxAbs(guided.predictNoise(x(), t()).sub(expected)) <= 1e-6 * maxAbs(expected));

        // 2. J^T g against (f(x + h v) - f(x - h v)) . g / 2h = v . J^T g
        INDArray g = Seeds.gaussian(2, 3, 3, 8, 8);
        INDArray v = Seeds.gaussian(4, 3, 3, 8, 8);
        double h = 1e-2;
        double numeric = guided.predictNoise(x().add(v.mul(h)), t()).sub(guided.predictNoise(x().sub(v.mul(h)), t()))
                .castTo(DataType.DOUBLE).mul(g.castTo(DataType.DOUBLE)).sumNumber().doubleValue() / (2 * h);
        INDArray vjp = guided.inputGradient(x(), t(), g);
        double analytic = vjp.castTo(DataType.DOUBLE).mul(v.castTo(DataType.DOUBLE)).sumNumber().doubleValue();
        System.out.printf(Locale.ROOT, "guided directional derivative: analytic %.6f, central difference %.6f%n", analytic, numeric);
        assertEquals(numeric, analytic, 1e-2 * Math.abs(numeric));

        // the linearization (what the exact inversions differentiate through) gives the same values
        Linearization lin = guided.linearize(x(), t());
        assertTrue(maxAbs(lin.eps().sub(guided.predictNoise(x(), t()))) <= 1e-6 * maxAbs(expected));
        assertTrue(maxAbs(lin.pullback(g).sub(vjp)) <= 1e-6 * maxAbs(vjp));
        assertThrows(IllegalArgumentException.class, () -> new GuidedNoisePredictor(guided, guided, 0));
        assertThrows(IllegalArgumentException.class, () -> new GuidedNoisePredictor(guided, guided, Double.NaN));
    }

    /**
     * Labels follow the training counts: with counts 1, 3, 0 the share of class 1 among n draws is 3/4 within 4.5
     * standard deviations sqrt(p (1 - p) / n) (a false alarm once in 150,000 runs; the draws are seeded, so never), a
     * class without images is never drawn, and row i's label does not depend on how the rows are split.
     */
    @Test
    void samplesDrawTheirClassesInTheProportionsOfTheTrainingData() {
        ClassPrior prior = model().classes();
        int n = 40_000;
        int[] drawn = prior.draw(n, 17);
        long ones = IntStream.of(drawn).filter(l -> l == 1).count();
        assertEquals(0, IntStream.of(drawn).filter(l -> l == 2).count());
        assertEquals(0.75, ones / (double) n, 4.5 * Math.sqrt(0.75 * 0.25 / n));
        int[] whole = prior.drawRows(17, 100, 110);
        int[] split = IntStream.concat(IntStream.of(prior.drawRows(17, 100, 104)), IntStream.of(prior.drawRows(17, 104, 110))).toArray();
        assertArrayEquals(whole, split);
        assertArrayEquals(java.util.Arrays.copyOfRange(drawn, 100, 110), whole);
    }

    /**
     * A prior restricted to some classes draws only them, in their proportions among themselves, with the network's
     * labels (the same bound as above: share 1/4 of class 0 among classes 0 and 1, 4.5 binomial stds), and a batch of
     * samples drawn with it is labelled so; unknown, repeated or image-less classes are refused naming them.
     */
    @Test
    void aRestrictedPriorDrawsOnlyItsClassesInTheirProportions() {
        DdimModel m = model();
        ClassPrior hearts = m.classes().restrictedTo(List.of("heart"));
        assertEquals(List.of(0, 3, 0), hearts.counts());
        assertTrue(IntStream.of(hearts.draw(1000, 5)).allMatch(l -> l == 1));
        int n = 40_000;
        int[] drawn = m.classes().restrictedTo(List.of("heart", "smile")).draw(n, 17);
        assertTrue(IntStream.of(drawn).allMatch(l -> l == 0 || l == 1));
        assertEquals(0.25, IntStream.of(drawn).filter(l -> l == 0).count() / (double) n, 4.5 * Math.sqrt(0.25 * 0.75 / n));
        // a batch drawn as "heart" predicts what the network predicts for label 1 (not the null class, not label 0)
        INDArray viaPrior = m.generatingPredictor(hearts, 3, 9).predictNoise(x(), t());
        assertEquals(0.0, maxAbs(viaPrior.sub(m.noisePredictor(new int[]{1, 1, 1}, 0).predictNoise(x(), t()))), 0.0);
        assertNotEquals(0.0, maxAbs(viaPrior.sub(m.noisePredictor(new int[]{0, 0, 0}, 0).predictNoise(x(), t()))));

        var unknown = assertThrows(IllegalArgumentException.class, () -> m.classes().restrictedTo(List.of("dog")));
        assertEquals("unknown class 'dog'; the model's classes are [smile, heart, cat]", unknown.getMessage());
        var twice = assertThrows(IllegalArgumentException.class, () -> m.classes().restrictedTo(List.of("heart", "heart")));
        assertEquals("class 'heart' is given twice", twice.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> m.classes().restrictedTo(List.of("cat")));
        assertEquals("the classes [cat] have no training images to draw in proportion to", empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.classes().restrictedTo(List.of()));
    }

    @Test
    void aConditionalModelFileKeepsItsClassesAndPredictsTheSame(@TempDir Path dir) throws IOException {
        DdimModel m = model();
        Path file = dir.resolve("conditional.ddim");
        ModelFile.save(m, file);
        DdimModel loaded = ModelFile.load(file);
        assertEquals(m.config(), loaded.config());
        assertEquals(NAMES, loaded.classes().names());
        INDArray y = m.classes().oneHot(new int[]{2, 0, -1});
        assertEquals(m.network().predictNoise(x(), t(), y), loaded.network().predictNoise(x(), t(), y));
    }
}
