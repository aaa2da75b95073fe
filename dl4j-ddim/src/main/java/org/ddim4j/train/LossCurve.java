package org.ddim4j.train;

import org.ddim4j.image.ChartCanvas;
import org.ddim4j.image.Images;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Draws the loss per iteration (light) and its moving average (dark) on a log scale, as a PNG. */
public final class LossCurve {
    private LossCurve() {
    }

    public static void write(List<double[]> rows, String title, Path file) throws IOException {
        Images.writePng(draw(rows, title), file);
    }

    static BufferedImage draw(List<double[]> rows, String title) {
        int w = 800;
        int h = 450;
        int left = 70;
        int right = 20;
        int top = 40;
        int bottom = 50;
        ChartCanvas canvas = ChartCanvas.create(w, h, title, 14, left, top, right, bottom);
        BufferedImage img = canvas.image();
        Graphics2D g = canvas.graphics();
        if (rows.size() >= 2) {
            double minX = rows.get(0)[0];
            double maxX = rows.get(rows.size() - 1)[0];
            double minY = Double.MAX_VALUE;
            double maxY = -Double.MAX_VALUE;
            for (double[] r : rows) {
                if (r[1] > 0 && Double.isFinite(r[1])) {
                    minY = Math.min(minY, Math.log10(r[1]));
                    maxY = Math.max(maxY, Math.log10(r[1]));
                }
            }
            if (maxY - minY < 1e-3) {
                maxY = minY + 1e-3;
            }
            double sx = (w - left - right) / Math.max(1e-9, maxX - minX);
            double sy = (h - top - bottom) / (maxY - minY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int i = 0; i <= 4; i++) {
                double ly = minY + (maxY - minY) * i / 4;
                int y = (int) (h - bottom - (ly - minY) * sy);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(left + 1, y, w - right - 1, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, ly)), 5, y + 4);
            }
            g.drawString("iteration " + (long) minX, left, h - bottom + 18);
            String end = "iteration " + (long) maxX;
            g.drawString(end, w - right - g.getFontMetrics().stringWidth(end), h - bottom + 18);
            g.drawString("loss (log scale)", 5, top - 6);
            g.setColor(new Color(160, 190, 230));
            plot(g, rows, 1, minX, minY, sx, sy, left, h - bottom);
            g.setColor(new Color(20, 60, 160));
            g.setStroke(new BasicStroke(2f));
            plot(g, rows, Math.max(1, rows.size() / 50), minX, minY, sx, sy, left, h - bottom);
        }
        g.dispose();
        return img;
    }

    private static void plot(Graphics2D g, List<double[]> rows, int window, double minX, double minY, double sx,
                             double sy, int x0, int y0) {
        int prevX = -1;
        int prevY = -1;
        double sum = 0;
        int count = 0;
        for (int i = 0; i < rows.size(); i++) {
            sum += rows.get(i)[1];
            count++;
            if (i >= window) {
                sum -= rows.get(i - window)[1];
                count--;
            }
            double avg = sum / count;
            if (!(avg > 0) || !Double.isFinite(avg)) {
                continue;
            }
            int x = (int) (x0 + (rows.get(i)[0] - minX) * sx);
            int y = (int) (y0 - (Math.log10(avg) - minY) * sy);
            if (prevX >= 0) {
                g.drawLine(prevX, prevY, x, y);
            }
            prevX = x;
            prevY = y;
        }
    }
}
