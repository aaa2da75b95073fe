package org.ddim4j.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Decodes stored images (JPEG, PNG, GIF, BMP and, through TwelveMonkeys, WebP) with ImageIO. */
public final class ImageDecoding {
    static {
        ImageIO.setUseCache(false);                                    // decode in memory, not via temp files
        ImageIO.scanForPlugins();
    }

    private ImageDecoding() {
    }

    public static BufferedImage decode(byte[] bytes, String source) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IOException(source + ": cannot decode the image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new IOException(source + ": not a decodable image (" + bytes.length + " bytes; expected JPEG, PNG or WebP)");
        }
        return img;
    }

    public static BufferedImage decode(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": missing");
        }
        return decode(Files.readAllBytes(file), file.toString());
    }
}
