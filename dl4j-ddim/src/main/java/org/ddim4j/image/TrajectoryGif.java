package org.ddim4j.image;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The denoising trajectory of a DDIM run as an animated GIF: x_t (left) and the predicted x0 (right). */
public final class TrajectoryGif {
    private TrajectoryGif() {
    }

    /**
     * Writes the frames of a run: x_t and the predicted x0 before each step, then the final sample, shown for the
     * first {@code count} images of the batch.
     *
     * @param xs            x_t before each step (at least as many as the predictions)
     * @param x0Predictions the predicted x0 at each step
     * @param sample        the final x
     */
    public static void write(List<INDArray> xs, List<INDArray> x0Predictions, INDArray sample, int count, Path file)
            throws IOException {
        if (x0Predictions.isEmpty() || xs.size() < x0Predictions.size()) {
            throw new IllegalArgumentException("the run kept no trajectory (sample with keepTrajectory)");
        }
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < x0Predictions.size(); i++) {
            frames.add(frame(first(xs.get(i), count), first(x0Predictions.get(i), count)));
        }
        INDArray last = first(sample, count);
        BufferedImage end = frame(last, last);
        for (int i = 0; i < 4; i++) {
            frames.add(end);
        }
        Gif.write(frames, 250, file);
    }

    private static INDArray first(INDArray batch, int count) {
        return count >= batch.size(0) ? batch
                : batch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, count), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all());
    }

    private static BufferedImage frame(INDArray xt, INDArray x0) {
        int cols = (int) Math.ceil(Math.sqrt(xt.size(0)));
        return Images.sideBySide(List.of(Images.grid(xt, cols), Images.grid(x0, cols)));
    }
}
