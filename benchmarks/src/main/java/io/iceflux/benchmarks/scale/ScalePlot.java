package io.iceflux.benchmarks.scale;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A log-log line chart drawn with Java2D (no charting dependency): one series per implementation and scenario, with
 * round markers (the harness's own rows) or square ones (the side-by-side medians), and a legend on the right.
 */
final class ScalePlot {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 90;
    private static final int RIGHT = 250;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    /**
     * One line.
     *
     * @param name   legend text
     * @param color  line colour
     * @param dashed dashed line
     * @param points (x, y) or (x, y, failed) with both positive; failed != 0 draws a hollow marker; points with
     *               y <= 0 are skipped
     * @param square square markers instead of round ones
     */
    record Series(String name, Color color, boolean dashed, List<double[]> points, boolean square) {

        /** A series with round markers. */
        Series(String name, Color color, boolean dashed, List<double[]> points) {
            this(name, color, dashed, points, false);
        }
    }

    /**
     * A horizontal reference line.
     *
     * @param name  legend text
     * @param value y value
     */
    record Reference(String name, double value) {
    }

    private ScalePlot() {
    }

    /**
     * Draw the chart into a PNG file.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    static void draw(Path file, String title, String yLabel, List<Series> series, List<Reference> references) {
        draw(file, title, yLabel, series, references, List.of());
    }

    /**
     * Draw the chart into a PNG file, with lines of text under the legend (what the marker shapes mean).
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    static void draw(Path file, String title, String yLabel, List<Series> series, List<Reference> references,
            List<String> notes) {
        double xMin = 1;
        double xMax = 10_000;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (p[1] > 0) {
                    xMin = Math.min(xMin, p[0]);
                    xMax = Math.max(xMax, p[0]);
                    yMin = Math.min(yMin, p[1]);
                    yMax = Math.max(yMax, p[1]);
                }
            }
        }
        for (Reference r : references) {
            yMin = Math.min(yMin, r.value());
            yMax = Math.max(yMax, r.value());
        }
        if (yMax == 0) {
            yMin = 1;
            yMax = 10;
        }
        double lx0 = Math.floor(Math.log10(xMin));
        double lx1 = Math.ceil(Math.log10(xMax));
        double ly0 = Math.floor(Math.log10(yMin * 0.8));
        double ly1 = Math.ceil(Math.log10(yMax * 1.25));
        if (ly1 == ly0) {
            ly1 = ly0 + 1;
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;
            Axis x = new Axis(lx0, lx1, LEFT, LEFT + plotW);
            Axis y = new Axis(ly0, ly1, TOP + plotH, TOP);

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            for (double d = lx0; d <= lx1; d++) {
                int px = x.pixel(Math.pow(10, d));
                g.setColor(new Color(225, 225, 225));
                g.drawLine(px, TOP, px, TOP + plotH);
                g.setColor(Color.DARK_GRAY);
                String label = tick(Math.pow(10, d));
                g.drawString(label, px - fm.stringWidth(label) / 2, TOP + plotH + 18);
            }
            for (double d = ly0; d <= ly1; d++) {
                int py = y.pixel(Math.pow(10, d));
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT, py, LEFT + plotW, py);
                g.setColor(Color.DARK_GRAY);
                String label = tick(Math.pow(10, d));
                g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + 4);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotW, plotH);
            String xLabel = "concurrent gatherings N (log)";
            g.drawString(xLabel, LEFT + plotW / 2 - fm.stringWidth(xLabel) / 2, TOP + plotH + 45);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel + " (log)", -(TOP + plotH / 2) - fm.stringWidth(yLabel + " (log)") / 2, 25);
            rotated.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, LEFT, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

            Stroke solid = new BasicStroke(2.2f);
            Stroke dashed = new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {7f, 5f}, 0f);
            int legendY = TOP + 10;
            for (Reference r : references) {
                int py = y.pixel(r.value());
                g.setColor(Color.GRAY);
                g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {2f, 4f}, 0f));
                g.drawLine(LEFT, py, LEFT + plotW, py);
                g.drawLine(LEFT + plotW + 15, legendY, LEFT + plotW + 45, legendY);
                g.setColor(Color.DARK_GRAY);
                g.drawString(r.name(), LEFT + plotW + 52, legendY + 4);
                legendY += 22;
            }
            for (Series s : series) {
                g.setColor(s.color());
                g.setStroke(s.dashed() ? dashed : solid);
                double[] prev = null;
                for (double[] p : s.points()) {
                    if (p[1] <= 0) {
                        prev = null;
                        continue;
                    }
                    int px = x.pixel(p[0]);
                    int py = y.pixel(p[1]);
                    if (prev != null) {
                        g.draw(new Line2D.Double(x.pixel(prev[0]), y.pixel(prev[1]), px, py));
                    }
                    marker(g, s, px, py, p.length > 2 && p[2] != 0);
                    prev = p;
                }
                g.drawLine(LEFT + plotW + 15, legendY, LEFT + plotW + 45, legendY);
                g.setStroke(solid);
                marker(g, s, LEFT + plotW + 30, legendY, false);
                g.drawString(s.name(), LEFT + plotW + 52, legendY + 4);
                legendY += 22;
            }
            g.setColor(Color.DARK_GRAY);
            g.drawOval(LEFT + plotW + 25, legendY - 5, 10, 10);
            g.drawString("failures or timeout", LEFT + plotW + 52, legendY + 4);
            for (String note : notes) {
                legendY += 20;
                g.drawString(note, LEFT + plotW + 15, legendY + 4);
            }
        } finally {
            g.dispose();
        }
        try {
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A round or square marker centred on (px, py); hollow for a row with failures. */
    private static void marker(Graphics2D g, Series s, int px, int py, boolean hollow) {
        Stroke line = g.getStroke();
        if (hollow) {
            g.setStroke(new BasicStroke(2f));
            g.setColor(Color.WHITE);
            fill(g, s.square(), px - 5, py - 5, 10);
            g.setColor(s.color());
            if (s.square()) {
                g.drawRect(px - 5, py - 5, 10, 10);
            } else {
                g.drawOval(px - 5, py - 5, 10, 10);
            }
            g.setStroke(line);
        } else {
            g.setColor(s.color());
            fill(g, s.square(), px - 4, py - 4, 8);
        }
    }

    private static void fill(Graphics2D g, boolean square, int x, int y, int size) {
        if (square) {
            g.fillRect(x, y, size, size);
        } else {
            g.fillOval(x, y, size, size);
        }
    }

    private static String tick(double v) {
        if (v >= 1000) {
            return String.format("%,d", (long) v);
        }
        if (v >= 1) {
            return String.valueOf((long) v);
        }
        return String.valueOf(v);
    }

    /** A log10 axis from 10^lo to 10^hi onto pixels p0..p1. */
    private record Axis(double lo, double hi, int p0, int p1) {
        int pixel(double value) {
            double t = (Math.log10(value) - lo) / (hi - lo);
            return (int) Math.round(p0 + t * (p1 - p0));
        }
    }
}
