package org.ddim4j.train;

import org.ddim4j.io.AtomicFiles;
import org.ddim4j.image.ChartCanvas;
import org.ddim4j.image.Images;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run's {@code kid.csv} (iteration, kid, kid_std, floor, floor_std; plain MMD^2) and its plot {@code kid.png}: KID
 * against iterations with its std as error bars and the real-data floor as a dashed line, values x1000 (as shown
 * everywhere). A resumed run drops rows past its checkpoint's iteration, so the log follows the weights.
 */
public final class KidLog {
    private static final String HEADER = "iteration,kid,kid_std,floor,floor_std";

    private KidLog() {
    }

    /** The rows of a log, those up to {@code upTo} (inclusive); empty when there is no log. */
    public static List<double[]> read(Path csv, long upTo) throws IOException {
        List<double[]> rows = new ArrayList<>();
        if (!Files.isRegularFile(csv)) {
            return rows;
        }
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("iteration")) {
                continue;
            }
            String[] f = line.split(",");
            double[] r = new double[5];
            for (int i = 0; i < 5 && i < f.length; i++) {
                r[i] = Double.parseDouble(f[i]);
            }
            if (r[0] <= upTo) {
                rows.add(r);
            }
        }
        return rows;
    }

    /** Appends one row (rewriting the file without rows past {@code iteration} first, after a resume). */
    public static void append(Path csv, long iteration, QualityProbe.Measurement m) throws IOException {
        List<double[]> rows = read(csv, iteration - 1);
        rows.add(new double[]{iteration, m.kid(), m.kidStd(), m.floor(), m.floorStd()});
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (double[] r : rows) {
            sb.append(String.format(Locale.ROOT, "%d,%.8g,%.8g,%.8g,%.8g%n", (long) r[0], r[1], r[2], r[3], r[4]));
        }
        AtomicFiles.writeString(csv, sb.toString());
    }

    public static void plot(List<double[]> rows, Path file) throws IOException {
        int w = 800;
        int h = 400;
        int left = 70;
        int right = 20;
        int top = 40;
        int bottom = 50;
        ChartCanvas canvas = ChartCanvas.create(w, h,
                "KID x1000 of EMA samples (bars: std over subsets); dashed: the floor (real images)", 14, left, top, right, bottom);
        BufferedImage img = canvas.image();
        Graphics2D g = canvas.graphics();
        if (!rows.isEmpty()) {
            double minX = rows.get(0)[0];
            double maxX = Math.max(minX + 1, rows.get(rows.size() - 1)[0]);
            double maxY = 0;
            for (double[] r : rows) {
                maxY = Math.max(maxY, 1000 * (r[1] + r[2]));
                if (Double.isFinite(r[3])) {
                    maxY = Math.max(maxY, 1000 * (r[3] + r[4]));
                }
            }
            maxY = maxY <= 0 ? 1 : maxY * 1.05;
            double sx = (w - left - right - 20) / (maxX - minX);
            double sy = (h - top - bottom) / maxY;
            int y0 = h - bottom;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int i = 0; i <= 4; i++) {
                double v = maxY * i / 4;
                int y = (int) (y0 - v * sy);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(left + 1, y, w - right - 1, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.3g", v), 5, y + 4);
            }
            g.drawString("iteration " + (long) minX, left, y0 + 18);
            String end = "iteration " + (long) maxX;
            g.drawString(end, w - right - g.getFontMetrics().stringWidth(end), y0 + 18);
            int prevX = -1;
            int prevY = -1;
            for (double[] r : rows) {
                int x = (int) (left + 10 + (r[0] - minX) * sx);
                int y = (int) (y0 - 1000 * r[1] * sy);
                g.setColor(new Color(20, 60, 160));
                g.setStroke(new BasicStroke(2f));
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, x, y);
                }
                g.setStroke(new BasicStroke(1f));
                g.drawLine(x, (int) (y0 - 1000 * (r[1] - r[2]) * sy), x, (int) (y0 - 1000 * (r[1] + r[2]) * sy));
                g.fillOval(x - 3, y - 3, 6, 6);
                prevX = x;
                prevY = y;
            }
            double[] last = rows.get(rows.size() - 1);
            if (Double.isFinite(last[3])) {
                // an unbiased floor estimate can fall below 0: the line stays on the axis, the label says so
                int fy = (int) (y0 - 1000 * Math.max(0, last[3]) * sy);
                g.setColor(new Color(200, 60, 40));
                g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 6f}, 0f));
                g.drawLine(left + 1, fy, w - right - 1, fy);
                g.drawString(String.format(Locale.ROOT, "floor %.3g (std %.3g)", 1000 * last[3], 1000 * last[4]),
                        w - right - 170, fy - 4);
            }
        }
        g.dispose();
        Images.writePng(img, file);
    }
}
