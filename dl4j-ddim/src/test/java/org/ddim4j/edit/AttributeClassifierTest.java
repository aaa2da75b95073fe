package org.ddim4j.edit;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttributeClassifierTest {
    /**
     * Noisy 16x16 images with two independent attributes: a reddish tint, and a bright upper half.
     */
    static DataSet synthetic(int n, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(seed), n, 3, 16, 16).castTo(DataType.FLOAT)
                .muli(1.0).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 2);
        for (int i = 0; i < n; i++) {
            boolean red = r.nextBoolean();
            boolean bright = r.nextBoolean();
            if (red) {
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                        .addi(0.4);
                y.putScalar(i, 0, 1);
            }
            if (bright) {
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 8)).addi(0.4);
                y.putScalar(i, 1, 1);
            }
        }
        return new DataSet(x, y);
    }

    @Test
    void aTrainedClassifierBeatsChanceClearlyOnHeldOutImages() {
        DataSet train = synthetic(256, 1);
        DataSet held = synthetic(128, 2);
        int epochs = 6;
        int batch = 32;
        ComputationGraph net = AttributeClassifier.build(16, 2, 42, epochs * 256 / batch, 0.1);
        DataSetIterator it = new org.nd4j.linalg.dataset.api.iterator.TestDataSetIterator(train, batch);
        AttributeClassifier.train(net, it, epochs);
        INDArray p = AttributeClassifier.scores(net, held.getFeatures());
        assertArrayEquals(new long[]{128, 2}, p.shape());
        for (int a = 0; a < 2; a++) {
            INDArray predicted = p.getColumn(a).gt(0.5).castTo(DataType.FLOAT);
            double accuracy = predicted.eq(held.getLabels().getColumn(a)).castTo(DataType.FLOAT).meanNumber().doubleValue();
            assertTrue(accuracy > 0.8, "attribute " + a + ": held-out accuracy " + accuracy + " (chance 0.5)");
        }
    }

    @Test
    void sixtyFourPixelInputsGetTheExtraStridedConvolution() {
        ComputationGraph net = AttributeClassifier.build(64, 40, 1, 100, 0.1);
        assertTrue(net.getConfiguration().getVertices().containsKey("front_conv"));
        INDArray p = AttributeClassifier.scores(net, Nd4j.zeros(DataType.FLOAT, 2, 3, 64, 64));
        assertArrayEquals(new long[]{2, 40}, p.shape());
        // ResNet-20 proper: 19 convolutions of the CIFAR layout (3 x 3 x 2 + the stem) plus the two shortcut projections
        long convs = net.getConfiguration().getVertices().keySet().stream().filter(k -> k.endsWith("_conv")).count();
        assertTrue(convs == 1 + 19 + 2, "convolutions: " + convs);
    }
}
