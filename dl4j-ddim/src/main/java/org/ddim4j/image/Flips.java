package org.ddim4j.image;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/** The data augmentation of training: random horizontal and vertical flips of image tensors. */
public final class Flips {
    private Flips() {
    }

    /**
     * Flips each image of [B, C, H, W] with the given probability, horizontally (mirror) or vertically, drawing
     * one number from {@code rng} per image when the probability is positive (none at 0);
     * x itself when none is flipped.
     */
    public static INDArray random(INDArray x, SplittableRandom rng, double probability, boolean horizontal) {
        int b = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        boolean[] which = new boolean[b];
        boolean any = false;
        for (int k = 0; k < b; k++) {
            which[k] = probability > 0 && rng.nextDouble() < probability;
            any |= which[k];
        }
        if (!any) {
            return x;
        }
        float[] in = x.dup('c').data().asFloat();
        float[] out = in.clone();
        int plane = h * w;
        for (int k = 0; k < b; k++) {
            if (!which[k]) {
                continue;
            }
            for (int ch = 0; ch < c; ch++) {
                int base = (k * c + ch) * plane;
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        int src = horizontal ? base + y * w + (w - 1 - xx) : base + (h - 1 - y) * w + xx;
                        out[base + y * w + xx] = in[src];
                    }
                }
            }
        }
        return Nd4j.createFromArray(out).reshape(b, c, h, w);
    }

    /** The left-right mirror of one image [C, H, W]. */
    public static INDArray mirror(INDArray image) {
        long[] s = image.shape();
        if (s.length != 3) {
            throw new IllegalArgumentException("mirror takes one image [C, H, W], got shape " + java.util.Arrays.toString(s));
        }
        return flip(image.reshape(1, s[0], s[1], s[2]), true).reshape(s);
    }

    private static INDArray flip(INDArray x, boolean horizontal) {
        return random(x, new SplittableRandom(0), 1.0, horizontal);
    }
}
