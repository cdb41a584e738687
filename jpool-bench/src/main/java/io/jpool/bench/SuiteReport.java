package io.jpool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The adaptive suite's results: one section per workload (a row per pool, the verdict per
 * target, the plot's file name), printed as Markdown and written as JSON for {@code report.py}.
 * The JSON is written by hand: the bench has no JSON library and needs only strings, numbers and
 * booleans.
 */
public final class SuiteReport {
    /** One pool's figures in one workload; NaN (peakRunning: -1) where not measured. */
    public record Row(String name, double tasksPerSec, double pctOfBest, double meanThreads, int peakRunning,
                      double meanTaskMs, String note) {
    }

    /** One target: what it asks, what was measured, whether it holds. */
    public record Verdict(String target, String measured, boolean met) {
    }

    /** One workload. */
    public record Section(String key, String title, List<Row> rows, List<Verdict> verdicts, String svg) {
    }

    private final List<Section> sections = new ArrayList<>();
    private final String header;

    public SuiteReport(String header) {
        this.header = header;
    }

    /** A report of the same sections under {@code newHeader}. */
    public SuiteReport withHeader(String newHeader) {
        SuiteReport r = new SuiteReport(newHeader);
        r.sections.addAll(sections);
        return r;
    }

    public void add(Section s) {
        sections.add(s);
    }

    /** The whole report as Markdown (headings at level 3, to sit inside a larger report). */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder(header).append("\n\n");
        for (Section s : sections) {
            b.append("### ").append(s.title()).append("\n\n");
            b.append("| pool | tasks/s | % of best fixed | mean threads, 2nd half | peak running | mean task ms | note |\n");
            b.append("|---|---:|---:|---:|---:|---:|---|\n");
            for (Row r : s.rows()) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", r.name(), num(r.tasksPerSec()),
                        Double.isNaN(r.pctOfBest()) ? "" : String.format(Locale.ROOT, "%.0f%%", r.pctOfBest()),
                        num(r.meanThreads()), r.peakRunning() < 0 ? "" : String.valueOf(r.peakRunning()),
                        num(r.meanTaskMs()), r.note() == null ? "" : r.note()));
            }
            b.append('\n');
            for (Verdict v : s.verdicts()) {
                b.append(String.format(Locale.ROOT, "- target %s: %s -> **%s**%n", v.target(), v.measured(),
                        v.met() ? "met" : "MISSED"));
            }
            if (s.svg() != null) {
                b.append("\n![threads over time](").append(s.svg()).append(")\n");
            }
            b.append('\n');
        }
        long met = sections.stream().flatMap(s -> s.verdicts().stream()).filter(Verdict::met).count();
        long all = sections.stream().mapToLong(s -> s.verdicts().size()).sum();
        b.append(String.format(Locale.ROOT, "Adaptive targets met: %d of %d.%n", met, all));
        return b.toString();
    }

    /** The same as JSON: {"header", "sections": [{key, title, svg, rows: [...], verdicts: [...]}]}. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"header\": ").append(str(header)).append(", \"sections\": [");
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("  {\"key\": ").append(str(s.key())).append(", \"title\": ")
                    .append(str(s.title())).append(", \"svg\": ").append(s.svg() == null ? "null" : str(s.svg()))
                    .append(",\n   \"rows\": [");
            for (int k = 0; k < s.rows().size(); k++) {
                Row r = s.rows().get(k);
                b.append(k == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                        "    {\"name\": %s, \"tasks_per_s\": %s, \"pct_of_best\": %s, \"mean_threads\": %s, "
                                + "\"peak_running\": %d, \"mean_task_ms\": %s, \"note\": %s}", str(r.name()),
                        jnum(r.tasksPerSec()), jnum(r.pctOfBest()), jnum(r.meanThreads()), r.peakRunning(),
                        jnum(r.meanTaskMs()), r.note() == null ? "null" : str(r.note())));
            }
            b.append("],\n   \"verdicts\": [");
            for (int k = 0; k < s.verdicts().size(); k++) {
                Verdict v = s.verdicts().get(k);
                b.append(k == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                        "    {\"target\": %s, \"measured\": %s, \"met\": %b}", str(v.target()), str(v.measured()), v.met()));
            }
            b.append("]}");
        }
        return b.append("\n]}\n").toString();
    }

    /** Writes {@code adaptive.md} and {@code adaptive.json} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("adaptive.md"), toMarkdown());
        Files.writeString(dir.resolve("adaptive.json"), toJson());
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String jnum(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
