package org.ddim4j.metrics;

import org.ddim4j.resnet.CifarResNet;
import org.ddim4j.random.Seeds;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmojiFeaturesTest {
    @Test
    void theShippedNetworkGivesFeaturesOfItsWidthForImagesOfAnySize() {
        EmojiFeatures shipped = EmojiFeatures.shipped();
        assertEquals(64, shipped.dimension());
        assertEquals(64, shipped.weightsSha256().length());
        assertEquals(java.util.List.of(3L, 64L), java.util.List.of(shipped.features(Seeds.uniform(1, -1, 1, 3, 3, 32, 32)).shape()[0],
                shipped.features(Seeds.uniform(1, -1, 1, 3, 3, 64, 64)).shape()[1]));
    }

    @Test
    void aNetworkFileOfAnotherWidthIsReadAtItsWidthAndAForeignFileIsRefused(@TempDir Path dir) throws IOException {
        var g = new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(32, 32, 3));
        CifarResNet.addBody(g, "in", 32, new int[]{8, 24}, 1);
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5).activation(Activation.SOFTMAX)
                .build(), CifarResNet.POOL).setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        Path file = dir.resolve("narrow.zip");
        ModelSerializer.writeModel(net, file.toFile(), false);
        EmojiFeatures f = EmojiFeatures.load(file);
        assertEquals(24, f.dimension());
        assertEquals(24, f.featuresInBatches(Seeds.uniform(2, -1, 1, 5, 3, 16, 16), 2).size(1));
        Path junk = dir.resolve("junk.zip");
        Files.writeString(junk, "not a model");
        var e = assertThrows(IllegalArgumentException.class, () -> EmojiFeatures.load(junk));
        assertTrue(e.getMessage().startsWith(junk + ": not a DL4J ComputationGraph zip"), e.getMessage());
    }
}
