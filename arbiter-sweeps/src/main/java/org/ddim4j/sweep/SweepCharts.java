package org.ddim4j.sweep;

import org.ddim4j.image.ChartCanvas;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sweep's two kinds of plot: the score per value of one swept key, and every candidate's loss curve. */
final class SweepCharts {
    private static final int W = 640;
    private static final int H = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
            new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

    private SweepCharts() {
    }

    /** One column per value of the key, one dot per complete candidate, the mean as a bar. */
    static BufferedImage scorePerValue(String key, String scoreName, List<CandidateRecord> records, SweepSpec.Score score) {
        Map<String, List<Double>> byValue = new LinkedHashMap<>();
        for (CandidateRecord r : records) {
            if (r.complete()) {
                Object v = r.overrides().get(key);
                String label = v instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(v);
                byValue.computeIfAbsent(label, k -> new ArrayList<>()).add(r.scores().get(score));
            }
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (List<Double> l : byValue.values()) {
            for (double d : l) {
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
        }
        if (!(hi > lo)) {
            lo = lo - 1;
            hi = hi + 1;
        }
        double pad = 0.08 * (hi - lo);
        lo -= pad;
        hi += pad;
        ChartCanvas canvas = ChartCanvas.create(W, H, scoreName + " by " + key, 13, LEFT, TOP, RIGHT, BOTTOM);
        BufferedImage img = canvas.image();
        Graphics2D g = canvas.graphics();
        axisLabels(g, lo, hi);
        int columns = Math.max(1, byValue.size());
        int i = 0;
        for (Map.Entry<String, List<Double>> e : byValue.entrySet()) {
            int x = LEFT + (int) ((i + 0.5) * (W - LEFT - RIGHT) / columns);
            double mean = e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            g.setColor(new Color(200, 200, 230));
            int ym = y(mean, lo, hi);
            g.fillRect(x - 18, ym, 36, H - BOTTOM - ym);
            g.setColor(PALETTE[i % PALETTE.length]);
            for (double d : e.getValue()) {
                g.fillOval(x - 4, y(d, lo, hi) - 4, 8, 8);
            }
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), x - g.getFontMetrics().stringWidth(e.getKey()) / 2, H - BOTTOM + 18);
            i++;
        }
        g.dispose();
        return img;
    }

    /** Loss per iteration (moving average over 20) of every candidate, log scale. */
    static BufferedImage lossCurves(Path sweepDir, List<CandidateRecord> records) throws java.io.IOException {
        Map<String, double[][]> curves = new LinkedHashMap<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double maxIt = 1;
        for (CandidateRecord r : records) {
            Path csv = SweepTask.folder(sweepDir, r.index()).resolve("run").resolve("loss.csv");
            if (!Files.isRegularFile(csv)) {
                continue;
            }
            List<String> lines = Files.readAllLines(csv);
            List<double[]> pts = new ArrayList<>();
            double avg = Double.NaN;
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                double loss = Double.parseDouble(f[1]);
                if (!(loss > 0) || Double.isInfinite(loss)) {
                    continue;
                }
                avg = Double.isNaN(avg) ? loss : 0.95 * avg + 0.05 * loss;
                pts.add(new double[]{Double.parseDouble(f[0]), Math.log10(avg)});
                lo = Math.min(lo, Math.log10(avg));
                hi = Math.max(hi, Math.log10(avg));
                maxIt = Math.max(maxIt, Double.parseDouble(f[0]));
            }
            curves.put("#" + r.index(), pts.toArray(new double[0][]));
        }
        if (!(hi > lo)) {
            lo -= 0.5;
            hi += 0.5;
        }
        ChartCanvas canvas = ChartCanvas.create(W, H, "training loss (log10, moving average) of each candidate", 13, LEFT,
                TOP, RIGHT, BOTTOM);
        BufferedImage img = canvas.image();
        Graphics2D g = canvas.graphics();
        axisLabels(g, lo, hi);
        int i = 0;
        g.setStroke(new BasicStroke(1.5f));
        for (Map.Entry<String, double[][]> e : curves.entrySet()) {
            g.setColor(PALETTE[i % PALETTE.length]);
            double[][] p = e.getValue();
            for (int k = 1; k < p.length; k++) {
                g.drawLine(xOf(p[k - 1][0], maxIt), y(p[k - 1][1], lo, hi), xOf(p[k][0], maxIt), y(p[k][1], lo, hi));
            }
            g.drawString(e.getKey(), W - RIGHT - 40, TOP + 14 + 14 * i);
            i++;
        }
        g.setColor(Color.BLACK);
        g.drawString("iteration (0 .. " + (long) maxIt + ")", LEFT, H - 12);
        g.dispose();
        return img;
    }

    private static void axisLabels(Graphics2D g, double lo, double hi) {
        for (int k = 0; k <= 4; k++) {
            double v = lo + (hi - lo) * k / 4;
            int yy = y(v, lo, hi);
            g.drawLine(LEFT - 4, yy, LEFT, yy);
            g.drawString(String.format(java.util.Locale.ROOT, "%.4g", v), 4, yy + 4);
        }
    }

    private static int y(double v, double lo, double hi) {
        return TOP + (int) ((hi - v) / (hi - lo) * (H - TOP - BOTTOM));
    }

    private static int xOf(double it, double maxIt) {
        return LEFT + (int) (it / maxIt * (W - LEFT - RIGHT));
    }
}
