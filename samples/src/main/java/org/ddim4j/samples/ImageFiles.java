package org.ddim4j.samples;

import org.ddim4j.data.ImageTransforms;
import org.ddim4j.image.Images;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Images given on the command line, as the model sees them. */
final class ImageFiles {
    private ImageFiles() {
    }

    /**
     * Reads images (PNG, JPEG, GIF, BMP), composites transparency onto white, resizes the short side to
     * {@code size} and centre-crops, as the training data: [N, 3, size, size] in [0, 1].
     */
    static INDArray load(List<Path> files, int size) throws IOException {
        INDArray out = Nd4j.create(DataType.FLOAT, files.size(), 3, size, size);
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("image not found: " + f.toAbsolutePath());
            }
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw new IllegalArgumentException(f + ": not a decodable image (expected PNG, JPEG, GIF or BMP)");
            }
            BufferedImage rgb = ImageTransforms.compositeOnto(img, Color.WHITE);
            out.putSlice(i, Images.fromImage(ImageTransforms.resizeShortSideAndCenterCrop(rgb, size)).addi(1).divi(2));
        }
        return out;
    }

    /** The file name without its extension. */
    static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
