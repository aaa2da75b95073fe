package org.ddim4j.edit;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.ddim4j.resnet.CifarResNet;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.HashMap;
import java.util.Map;

/**
 * The seed's attribute classifier: ResNet-20 in its CIFAR layout (a 3x3 convolution to 16 channels, three stages
 * of three basic residual blocks at 16, 32 and 64 channels, the second and third starting with stride 2, global
 * average pooling), with an extra 5x5 stride-2 convolution in front for 64x64 inputs, and one sigmoid output
 * per attribute (multi-label, binary cross-entropy). Trained with SGD with Nesterov momentum 0.9, weight decay
 * 1e-4, learning rate 0.1 divided by 10 at one half and again at three quarters of the iterations. A DL4J
 * {@code ComputationGraph}: inputs [B, 3, S, S] in [-1, 1], outputs [B, A] probabilities.
 */
public final class AttributeClassifier {
    private AttributeClassifier() {
    }

    public static ComputationGraph build(int size, int attributes, long seed, int totalIterations, double learningRate) {
        Map<Integer, Double> steps = new HashMap<>();
        steps.put(0, learningRate);
        steps.put(Math.max(1, totalIterations / 2), learningRate / 10);
        steps.put(Math.max(2, totalIterations * 3 / 4), learningRate / 100);
        var g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Nesterovs(new MapSchedule(ScheduleType.ITERATION, steps), 0.9))
                .weightDecay(1e-4)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(size, size, 3));
        CifarResNet.addBody(g, "in", size, new int[]{16, 32, 64}, 3);
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(attributes)
                        .activation(Activation.SIGMOID).weightInit(WeightInit.XAVIER).build(), CifarResNet.POOL)
                .setOutputs("out");
        ComputationGraphConfiguration conf = g.build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** Trains for the given number of passes over the iterator (labels [B, A] of 0/1). */
    public static void train(ComputationGraph net, DataSetIterator data, int epochs) {
        for (int e = 0; e < epochs; e++) {
            data.reset();
            net.fit(data);
        }
    }

    /** The probability of each attribute for images [B, 3, S, S] in [-1, 1]: [B, A]. */
    public static INDArray scores(ComputationGraph net, INDArray images) {
        return net.outputSingle(false, images.castTo(DataType.FLOAT));
    }
}
