package org.ddim4j.image;

import org.ddim4j.io.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Converts model-space images (float [C, H, W] in [-1, 1]) to pictures and back, and lays batches out as
 * grids. Pixel mapping: clamp((x + 1) / 2, 0, 1) * 255, rounded.
 */
public final class Images {
    private Images() {
    }

    /** One image [C, H, W] (C = 1 or 3) in [-1, 1] as an RGB picture. */
    public static BufferedImage toImage(INDArray chw) {
        if (chw.rank() != 3 || (chw.size(0) != 1 && chw.size(0) != 3)) {
            throw new IllegalArgumentException("expected an image [C, H, W] with C = 1 or 3, got " + Arrays.toString(chw.shape()));
        }
        int c = (int) chw.size(0);
        int h = (int) chw.size(1);
        int w = (int) chw.size(2);
        float[] data = chw.castTo(DataType.FLOAT).dup('c').data().asFloat();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = toByte(data[y * w + x]);
                int g = c == 3 ? toByte(data[h * w + y * w + x]) : r;
                int b = c == 3 ? toByte(data[2 * h * w + y * w + x]) : r;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** A picture as [3, H, W] float in [-1, 1] (RGB order). */
    public static INDArray fromImage(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        float[] data = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                data[y * w + x] = ((rgb >> 16) & 0xff) / 127.5f - 1f;
                data[h * w + y * w + x] = ((rgb >> 8) & 0xff) / 127.5f - 1f;
                data[2 * h * w + y * w + x] = (rgb & 0xff) / 127.5f - 1f;
            }
        }
        return org.nd4j.linalg.factory.Nd4j.createFromArray(data).reshape(3, h, w);
    }

    private static int toByte(float v) {
        float u = (v + 1f) / 2f;
        u = Math.max(0f, Math.min(1f, u));
        return Math.round(u * 255f);
    }

    /** A batch [B, C, H, W] as a grid of {@code columns} columns with a 2-pixel white border. */
    public static BufferedImage grid(INDArray batch, int columns) {
        if (batch.rank() != 4) {
            throw new IllegalArgumentException("expected a batch [B, C, H, W], got " + Arrays.toString(batch.shape()));
        }
        int n = (int) batch.size(0);
        int cols = Math.max(1, Math.min(columns, n));
        int rows = (n + cols - 1) / cols;
        int h = (int) batch.size(2);
        int w = (int) batch.size(3);
        int pad = 2;
        BufferedImage out = new BufferedImage(cols * (w + pad) + pad, rows * (h + pad) + pad, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < n; i++) {
            BufferedImage tile = toImage(batch.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()));
            g.drawImage(tile, pad + (i % cols) * (w + pad), pad + (i / cols) * (h + pad), null);
        }
        g.dispose();
        return out;
    }

    /** A near-square grid: ceil(sqrt(B)) columns. */
    public static BufferedImage grid(INDArray batch) {
        return grid(batch, (int) Math.ceil(Math.sqrt(batch.size(0))));
    }

    /** Places pictures side by side. */
    public static BufferedImage sideBySide(List<BufferedImage> images) {
        int w = images.stream().mapToInt(BufferedImage::getWidth).sum();
        int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        BufferedImage out = new BufferedImage(Math.max(1, w), h, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), h);
        int x = 0;
        for (BufferedImage im : images) {
            g.drawImage(im, x, 0, null);
            x += im.getWidth();
        }
        g.dispose();
        return out;
    }

    /** Writes a PNG atomically. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }
}
