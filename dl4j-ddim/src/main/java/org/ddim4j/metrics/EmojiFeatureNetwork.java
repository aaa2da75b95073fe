package org.ddim4j.metrics;

import org.ddim4j.resnet.CifarResNet;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * The emoji feature network: a residual network in CIFAR's layout ({@link CifarResNet}, widths 16, 32, 64, two
 * blocks per stage, 32x32 inputs in [-1, 1]) trained to classify emoji by subcategory (softmax over the emoji set's
 * 99 subcategories, all categories); its {@value CifarResNet#POOL} layer's 64 values are the features. Training
 * augments every image with a horizontal flip (probability 1/2) and a shift of up to {@value #MAX_SHIFT} pixels each
 * way (the background, white, fills in), so the features do not hinge on exact positions. Adam, learning rate
 * 2e-3 divided by 10 at two thirds and again at nine tenths of the iterations, weight decay 5e-4.
 */
public final class EmojiFeatureNetwork {
    public static final int SIZE = 32;
    public static final int[] WIDTHS = {16, 32, 64};
    public static final int BLOCKS_PER_STAGE = 2;
    public static final int MAX_SHIFT = 2;

    private EmojiFeatureNetwork() {
    }

    public static ComputationGraph build(int classes, long seed, int totalIterations) {
        Map<Integer, Double> lr = new HashMap<>();
        lr.put(0, 2e-3);
        lr.put(Math.max(1, totalIterations * 2 / 3), 2e-4);
        lr.put(Math.max(2, totalIterations * 9 / 10), 2e-5);
        var g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(new MapSchedule(ScheduleType.ITERATION, lr)))
                .weightDecay(5e-4)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(SIZE, SIZE, 3));
        String pool = CifarResNet.addBody(g, "in", SIZE, WIDTHS, BLOCKS_PER_STAGE);
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), pool)
                .setOutputs("out");
        ComputationGraphConfiguration conf = g.build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /**
     * Trains on images [N, 3, 32, 32] in [-1, 1] with class labels, {@code epochs} passes of shuffled, augmented
     * batches; every draw comes from the seed. Calls {@code afterEpoch} with the epoch number (1-based).
     */
    public static void train(ComputationGraph net, INDArray images, int[] labels, int classes, int epochs, int batch,
                             long seed, IntConsumer afterEpoch) {
        if (images.rank() != 4 || images.size(2) != SIZE || images.size(3) != SIZE || images.size(0) != labels.length) {
            throw new IllegalArgumentException("expected " + labels.length + " images [N, 3, " + SIZE + ", " + SIZE
                    + "], got " + java.util.Arrays.toString(images.shape()));
        }
        int n = labels.length;
        float[] all = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
        SplittableRandom rng = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int e = 1; e <= epochs; e++) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from + batch <= n; from += batch) {
                float[] x = new float[batch * 3 * SIZE * SIZE];
                float[] y = new float[batch * classes];
                for (int k = 0; k < batch; k++) {
                    int idx = order[from + k];
                    augment(all, idx, x, k, rng.nextBoolean(), rng.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT,
                            rng.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT);
                    y[k * classes + labels[idx]] = 1;
                }
                net.fit(new DataSet(Nd4j.create(x, new long[]{batch, 3, SIZE, SIZE}, 'c'),
                        Nd4j.create(y, new long[]{batch, classes}, 'c')));
            }
            afterEpoch.accept(e);
        }
    }

    /** Copies image idx of src into slot k of dst, mirrored if asked and shifted by (dx, dy), white where uncovered. */
    static void augment(float[] src, int idx, float[] dst, int k, boolean flip, int dx, int dy) {
        int plane = SIZE * SIZE;
        for (int c = 0; c < 3; c++) {
            int s0 = (idx * 3 + c) * plane;
            int d0 = (k * 3 + c) * plane;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int sy = y - dy;
                    int sx = x - dx;
                    float v = 1f;
                    if (sy >= 0 && sy < SIZE && sx >= 0 && sx < SIZE) {
                        v = src[s0 + sy * SIZE + (flip ? SIZE - 1 - sx : sx)];
                    }
                    dst[d0 + y * SIZE + x] = v;
                }
            }
        }
    }

    /** The features of images [N, 3, 32, 32]: the pooling layer's activations, [N, 64]. */
    public static INDArray features(ComputationGraph net, INDArray images) {
        return net.feedForward(images.castTo(DataType.FLOAT), false).get(CifarResNet.POOL);
    }

    /** The share of images whose most probable class is their label. */
    public static double accuracy(ComputationGraph net, INDArray images, int[] labels) {
        INDArray p = net.outputSingle(false, images.castTo(DataType.FLOAT));
        INDArray best = p.argMax(1);
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            right += best.getInt(i) == labels[i] ? 1 : 0;
        }
        return right / (double) labels.length;
    }
}
