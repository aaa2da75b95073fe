package org.ddim4j.data;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small files in the real datasets' formats, written by the tests. */
public final class DatasetFixtures {
    private DatasetFixtures() {
    }

    /** A w x h image of one colour (r, g, b). */
    public static BufferedImage solid(int w, int h, int r, int g, int b) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    /** Writes a JPEG at the best quality (a solid colour survives within a few levels). */
    public static Path jpeg(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(1.0f);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return file;
    }

    public static Path png(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** The colour of image i of a fixture: distinct channels, so a BGR mix-up shows. */
    public static int[] colour(int i) {
        return new int[]{Math.floorMod(40 + 50 * i, 256), Math.floorMod(200 - 30 * i, 256), Math.floorMod(90 + 70 * i, 256)};
    }
}
