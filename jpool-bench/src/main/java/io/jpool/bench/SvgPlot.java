package io.jpool.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart as plain SVG text: thread counts over time for the adaptive suite's report.
 * The y axis is logarithmic (base 2) because the counts span 1 to a thousand; a series may be
 * dashed (an adaptive pool's target against its actual threads). Optional vertical markers show
 * when a workload changed phase.
 */
public final class SvgPlot {
    private static final int W = 640;
    private static final int H = 260;
    private static final int LEFT = 48;
    private static final int RIGHT = 170;
    private static final int TOP = 28;
    private static final int BOTTOM = 34;
    private static final String[] COLORS = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f"};

    /** One line: points (x seconds, y count), drawn dashed if {@code dashed}. */
    public record Series(String name, double[] x, double[] y, boolean dashed) {
    }

    private final String title;
    private final List<Series> series = new ArrayList<>();
    private final List<Double> markers = new ArrayList<>();

    public SvgPlot(String title) {
        this.title = title;
    }

    public SvgPlot add(Series s) {
        series.add(s);
        return this;
    }

    /** A vertical line at {@code seconds} (a phase change). */
    public SvgPlot marker(double seconds) {
        markers.add(seconds);
        return this;
    }

    /** The chart as an SVG document. */
    public String toSvg() {
        double maxX = 1;
        double maxY = 2;
        for (Series s : series) {
            for (double v : s.x()) {
                maxX = Math.max(maxX, v);
            }
            for (double v : s.y()) {
                maxY = Math.max(maxY, v);
            }
        }
        int top2 = 1;
        while ((1 << top2) < maxY) {
            top2++;
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", W, H));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\">%s</text>%n", LEFT, esc(title)));
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        for (int e = 0; e <= top2; e++) {
            double y = yOf(1 << e, top2, plotH);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n", LEFT, LEFT + plotW, y, y, LEFT - 4,
                    y + 4, 1 << e));
        }
        int stepX = maxX > 20 ? 5 : 1;
        for (int s = 0; s <= maxX; s += stepX) {
            double x = LEFT + plotW * s / maxX;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x,
                    H - BOTTOM + 14, s));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds</text>%n",
                LEFT + plotW / 2, H - 4));
        b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" "
                + "text-anchor=\"middle\">threads (log)</text>%n", TOP + plotH / 2, TOP + plotH / 2));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>%n", LEFT, TOP, plotW, plotH));
        for (double m : markers) {
            double x = LEFT + plotW * m / maxX;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#000\" "
                    + "stroke-dasharray=\"2,3\"/>%n", x, x, TOP, TOP + plotH));
        }
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String color = COLORS[i % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (int k = 0; k < s.x().length; k++) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * s.x()[k] / maxX,
                        TOP + yOf(Math.max(1, s.y()[k]), top2, plotH) - TOP));
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s "
                    + "points=\"%s\"/>%n", color, s.dashed() ? " stroke-dasharray=\"5,3\"" : "", pts.toString().trim()));
            int ly = TOP + 10 + 14 * i;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\">%s</text>%n", W - RIGHT + 8, W - RIGHT + 24, ly, ly,
                    color, s.dashed() ? " stroke-dasharray=\"5,3\"" : "", W - RIGHT + 28, ly + 4, esc(s.name())));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static double yOf(double v, int top2, int plotH) {
        return TOP + plotH - plotH * (Math.log(v) / Math.log(2)) / top2;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
