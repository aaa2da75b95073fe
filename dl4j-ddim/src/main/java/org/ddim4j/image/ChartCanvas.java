package org.ddim4j.image;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The frame every chart of ddim4j is drawn in (loss and KID curves, sweep charts): a white image with the title at
 * the top left and the plot area [left, width - right] x [top, height - bottom] outlined.
 *
 * @param image    the picture
 * @param graphics its graphics, antialiased, black
 */
public record ChartCanvas(BufferedImage image, Graphics2D graphics) {
    public static ChartCanvas create(int width, int height, String title, int fontSize, int left, int top, int right,
                                     int bottom) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, fontSize));
        g.drawString(title, left, 24);
        g.drawRect(left, top, width - left - right, height - top - bottom);
        return new ChartCanvas(img, g);
    }
}
