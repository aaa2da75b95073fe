package org.ddim4j.data;

import org.ddim4j.image.Flips;
import org.ddim4j.image.Images;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * The seed's image transform: resize so the short side is the target size, centre crop, map to [-1, 1];
 * plus compositing of transparent images onto a background and the random horizontal flip (as {@link Flips}).
 */
public final class ImageTransforms {
    private ImageTransforms() {
    }

    /** Draws an image with transparency onto an opaque background colour (RGB result). */
    public static BufferedImage compositeOnto(BufferedImage image, Color background) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(background);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return out;
    }

    /**
     * Resizes so that the shorter side equals {@code size} (bilinear, halving first while the image is more
     * than twice too large, so that downscaling averages every pixel), then crops the centre square.
     */
    public static BufferedImage resizeShortSideAndCenterCrop(BufferedImage image, int size) {
        BufferedImage current = toRgb(image);
        int w = current.getWidth();
        int h = current.getHeight();
        while (Math.min(w, h) >= 2 * size) {
            w /= 2;
            h /= 2;
            current = scale(current, w, h);
        }
        double factor = (double) size / Math.min(w, h);
        int nw = Math.max(size, (int) Math.round(w * factor));
        int nh = Math.max(size, (int) Math.round(h * factor));
        if (nw != w || nh != h) {
            current = scale(current, nw, nh);
        }
        int x = (nw - size) / 2;
        int y = (nh - size) / 2;
        return current.getSubimage(x, y, size, size);
    }

    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        return compositeOnto(image, Color.WHITE);
    }

    private static BufferedImage scale(BufferedImage image, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** The seed's transform of one image: [3, size, size] in [-1, 1], RGB, flipped with the given probability. */
    public static INDArray toTensor(BufferedImage image, int size, double flipProbability, Random rng) {
        INDArray tensor = Images.fromImage(resizeShortSideAndCenterCrop(image, size));
        return flipProbability > 0 && rng.nextDouble() < flipProbability ? Flips.mirror(tensor) : tensor;
    }
}
