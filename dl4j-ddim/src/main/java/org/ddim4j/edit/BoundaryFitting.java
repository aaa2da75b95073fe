package org.ddim4j.edit;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Finds an attribute's boundary in the latent space from noise-score pairs (latents z [N, d] and the
 * classifier's probability of the attribute for G(z), [N]). Two methods:
 * <ul>
 *   <li>{@link #logistic}: the seed's: logistic regression on all pairs (label: score > 0.5), mini-batch SGD
 *       with Nesterov momentum 0.9 and weight decay 1e-3, 80/20 split for the held-out accuracy;</li>
 *   <li>{@link #svm}: InterFaceGAN's: a linear SVM (L2-regularised hinge loss, C = 1, solved by dual coordinate
 *       descent as LIBLINEAR does) on the {@code fraction} of pairs with the highest scores (label 1) and the
 *       fraction with the lowest (label 0), split 70/30; accuracy on the 30 % and on all the remaining pairs,
 *       labelled by whether their score is above the median. Labels by rank, as InterFaceGAN's
 *       {@code train_boundary}, so an attribute the classifier never scores above 0.5 on generated images still
 *       gets a direction (a threshold at 0.5 would label every pair 0). The rest is split at the median, not at
 *       InterFaceGAN's midpoint (max + min) / 2: a plane fitted between equally many top and bottom pairs
 *       separates the pairs near the median score, and with skewed scores (most near 0) the midpoint would call
 *       nearly all of the rest negative and the accuracy would fall below one half for a good direction.</li>
 * </ul>
 * Both return the unit normal of the hyperplane, pointing toward the attribute.
 */
public final class BoundaryFitting {
    private BoundaryFitting() {
    }

    public static Boundary logistic(String attribute, INDArray latents, INDArray scores, long[] latentShape, int epochs,
                                    double learningRate, long seed) {
        INDArray x = flat(latents);
        int n = (int) x.size(0);
        int d = (int) x.size(1);
        check(n, scores);
        int[] order = shuffled(n, seed);
        int trainN = (int) Math.round(n * 0.8);
        int[] train = Arrays.copyOfRange(order, 0, trainN);
        int[] held = Arrays.copyOfRange(order, trainN, n);
        INDArray labels = scores.reshape(-1).gt(0.5).castTo(DataType.DOUBLE);
        INDArray w = Nd4j.zeros(DataType.DOUBLE, d, 1);
        double b = 0;
        INDArray vw = Nd4j.zeros(DataType.DOUBLE, d, 1);
        double vb = 0;
        double momentum = 0.9;
        double decay = 1e-3;
        int batch = Math.min(256, trainN);
        Random rng = new Random(seed + 1);
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(train, rng);
            for (int from = 0; from < trainN; from += batch) {
                int[] idx = Arrays.copyOfRange(train, from, Math.min(trainN, from + batch));
                INDArray xb = x.getRows(idx);
                INDArray yb = labels.get(org.nd4j.linalg.indexing.NDArrayIndex.indices(toLong(idx))).reshape(-1, 1);
                // 1. p = sigmoid(x w + b); 2. gradient of the mean cross-entropy plus decay |w|^2 / 2
                INDArray p = Transforms.sigmoid(xb.mmul(w).addi(b), false);
                INDArray err = p.subi(yb);
                INDArray gw = xb.transpose().mmul(err).divi(idx.length).addi(w.mul(decay));
                double gb = err.meanNumber().doubleValue();
                // 3. Nesterov momentum as PyTorch: v = m v + g; step g + m v
                vw.muli(momentum).addi(gw);
                vb = momentum * vb + gb;
                w.subi(gw.add(vw.mul(momentum)).muli(learningRate));
                b -= learningRate * (gb + momentum * vb);
            }
        }
        double norm = w.norm2Number().doubleValue();
        INDArray normal = w.div(Math.max(norm, 1e-12)).reshape(-1);
        double heldAcc = accuracy(x.getRows(held), labels.get(org.nd4j.linalg.indexing.NDArrayIndex.indices(toLong(held))),
                normal, b / Math.max(norm, 1e-12));
        return new Boundary(attribute, "logistic", normal.castTo(DataType.FLOAT), b / Math.max(norm, 1e-12), heldAcc,
                Double.NaN, latentShape);
    }

    public static Boundary svm(String attribute, INDArray latents, INDArray scores, long[] latentShape, double fraction,
                               long seed) {
        INDArray x = flat(latents);
        int n = (int) x.size(0);
        check(n, scores);
        if (!(fraction > 0 && fraction <= 0.5)) {
            throw new IllegalArgumentException("fraction must be in (0, 0.5], got " + fraction);
        }
        double[] s = scores.reshape(-1).castTo(DataType.DOUBLE).toDoubleVector();
        Integer[] byScore = new Integer[n];
        for (int i = 0; i < n; i++) {
            byScore[i] = i;
        }
        Arrays.sort(byScore, (a, b) -> Double.compare(s[a], s[b]));
        int k = Math.max(2, (int) Math.round(n * fraction));
        List<Integer> chosen = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (i < k || i >= n - k ? chosen : rest).add(byScore[i]);
        }
        Collections.shuffle(chosen, new Random(seed));
        int trainN = (int) Math.round(chosen.size() * 0.7);
        int[] train = chosen.subList(0, trainN).stream().mapToInt(Integer::intValue).toArray();
        int[] held = chosen.subList(trainN, chosen.size()).stream().mapToInt(Integer::intValue).toArray();
        // 1. the top k are positives, the bottom k negatives, whatever their scores
        boolean[] positive = new boolean[n];
        for (int i = n - k; i < n; i++) {
            positive[byScore[i]] = true;
        }
        // 2. the rest are labelled by the median score (the middle of the ranking the plane was fitted to)
        double median = n % 2 == 1 ? s[byScore[n / 2]] : (s[byScore[n / 2 - 1]] + s[byScore[n / 2]]) / 2;
        for (Integer i : rest) {
            positive[i] = s[i] > median;
        }
        float[][] rows = new float[train.length][];
        double[] y = new double[train.length];
        for (int i = 0; i < train.length; i++) {
            rows[i] = x.getRow(train[i]).castTo(DataType.FLOAT).toFloatVector();
            y[i] = positive[train[i]] ? 1 : -1;
        }
        double[] wb = dualCoordinateDescent(rows, y, 1.0, 50, seed);
        int d = rows.length == 0 ? 0 : rows[0].length;
        INDArray w = Nd4j.createFromArray(Arrays.copyOf(wb, d));
        double norm = w.norm2Number().doubleValue();
        INDArray normal = w.div(Math.max(norm, 1e-12));
        double offset = wb[d] / Math.max(norm, 1e-12);
        double[] label = new double[n];
        for (int i = 0; i < n; i++) {
            label[i] = positive[i] ? 1 : 0;
        }
        INDArray labels = Nd4j.createFromArray(label);
        double heldAcc = accuracy(x.getRows(held), labels.get(org.nd4j.linalg.indexing.NDArrayIndex.indices(toLong(held))),
                normal, offset);
        int[] restIdx = rest.stream().mapToInt(Integer::intValue).toArray();
        double restAcc = restIdx.length == 0 ? Double.NaN : accuracy(x.getRows(restIdx),
                labels.get(org.nd4j.linalg.indexing.NDArrayIndex.indices(toLong(restIdx))), normal, offset);
        return new Boundary(attribute, "svm", normal.castTo(DataType.FLOAT), offset, heldAcc, restAcc, latentShape);
    }

    /**
     * LIBLINEAR's dual coordinate descent for the L2-regularised hinge loss (Hsieh et al., 2008), with the bias
     * as an extra constant feature 1: returns [w..., b].
     */
    static double[] dualCoordinateDescent(float[][] x, double[] y, double c, int epochs, long seed) {
        int n = x.length;
        int d = n == 0 ? 0 : x[0].length;
        double[] w = new double[d + 1];
        double[] alpha = new double[n];
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 1;                                              // the bias feature
            for (float v : x[i]) {
                s += (double) v * v;
            }
            q[i] = s;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed);
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(order, rng);
            double maxChange = 0;
            for (int i : order) {
                double dot = w[d];
                for (int j = 0; j < d; j++) {
                    dot += w[j] * x[i][j];
                }
                double g = y[i] * dot - 1;
                double pg = alpha[i] == 0 ? Math.min(g, 0) : alpha[i] == c ? Math.max(g, 0) : g;
                if (pg != 0) {
                    double old = alpha[i];
                    alpha[i] = Math.min(Math.max(old - g / q[i], 0), c);
                    double delta = (alpha[i] - old) * y[i];
                    for (int j = 0; j < d; j++) {
                        w[j] += delta * x[i][j];
                    }
                    w[d] += delta;
                    maxChange = Math.max(maxChange, Math.abs(alpha[i] - old));
                }
            }
            if (maxChange < 1e-4) {
                break;
            }
        }
        return w;
    }

    private static double accuracy(INDArray x, INDArray labels, INDArray normal, double offset) {
        if (x.size(0) == 0) {
            return Double.NaN;
        }
        INDArray predicted = x.castTo(DataType.DOUBLE).mmul(normal.castTo(DataType.DOUBLE).reshape(-1, 1)).reshape(-1)
                .addi(offset).gt(0).castTo(DataType.DOUBLE);
        return predicted.eq(labels.reshape(-1)).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    private static INDArray flat(INDArray latents) {
        return latents.reshape(latents.size(0), -1).castTo(DataType.DOUBLE);
    }

    private static void check(int n, INDArray scores) {
        if (scores.length() != n) {
            throw new IllegalArgumentException(n + " latents but " + scores.length() + " scores");
        }
        if (n < 10) {
            throw new IllegalArgumentException("a boundary needs at least 10 pairs, got " + n);
        }
    }

    private static int[] shuffled(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        shuffle(a, new Random(seed));
        return a;
    }

    private static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
