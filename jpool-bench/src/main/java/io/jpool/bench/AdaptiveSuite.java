package io.jpool.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Issue 18's workloads for {@code ThreadPool.builder().adaptive()}, each against the sweep of fixed
 * sizes and the peers ({@code newCachedThreadPool}, the common ForkJoinPool, a virtual thread per
 * task on 21+, Python's default {@code min(32, cpus + 4)}), with a verdict per target, a
 * Markdown table on standard output, {@code adaptive.md}/{@code adaptive.json}, and per workload
 * an SVG plot of thread counts over time and a CSV of the samples behind it
 * ({@code adaptive-<workload>.csv}) in the output directory.
 *
 * <pre>
 * java -cp ... io.jpool.bench.AdaptiveSuite [--quick | --full] [--out DIR] [--only io,downstream,cpu,mixed,phases,starvation]
 *     [--io-best N]
 * </pre>
 * {@code --io-best N} gives the phases' I/O reference size instead of taking it from the {@code io}
 * sweep, so {@code --only phases --io-best 512} runs the phases alone (about 50 s, for A/B runs).
 * {@code --quick} (the default, about 3 minutes): fixed sizes and peers 2 s each, the adaptive
 * pool 5 s, phases of 10 s; {@code --full}: 5 s each. Every run counts from its first task, so the
 * adaptive pool pays for finding its size. The workloads:
 * <ul>
 *   <li>{@code io}: a GET to a local HTTP server that holds each request 20 ms, ample capacity;</li>
 *   <li>{@code downstream}: the same server with 16 handler threads;</li>
 *   <li>{@code cpu}: 1 ms of CPU time per task;</li>
 *   <li>{@code mixed}: 1 ms of CPU, then the GET;</li>
 *   <li>{@code phases}: the GET, then 1 ms of CPU, then the GET, switching every phase; judged
 *       against fixed references run one phase each just before (the I/O sweep's best size on the
 *       GET, #CPU on the CPU work), their rate taken as the phases' is (runs {@code io} first);</li>
 *   <li>{@code starvation}: 16 tasks that end only once all 16 run at once.</li>
 * </ul>
 */
public final class AdaptiveSuite {
    private static final int CPUS = Runtime.getRuntime().availableProcessors();
    /** Tasks kept in flight: more than the largest fixed size, so every pool always has a queue. */
    private static final int IN_FLIGHT = 1_024;
    private static final int MAX_FIXED = 512;
    private static final int DOWNSTREAM_LIMIT = 16;
    private static final int STARVATION_TASKS = 16;
    private static final long CPU_TASK_NANOS = 1_000_000;

    private final double fixedSeconds;
    private final double adaptiveSeconds;
    private final double phaseSeconds;
    private final Path out;
    private final SuiteReport report;
    /** Filled by the io workload: the phases' I/O reference runs a fixed pool of this size. */
    private int ioBestSize = -1;

    private AdaptiveSuite(boolean full, Path out, String header) {
        this.fixedSeconds = full ? 5 : 2;
        this.adaptiveSeconds = 5;
        this.phaseSeconds = 10;
        this.out = out;
        this.report = new SuiteReport(header);
    }

    public static void main(String[] args) throws Exception {
        boolean full = false;
        Path out = Path.of("jpool-bench/target/adaptive");
        Set<String> only = new HashSet<>(List.of("io", "downstream", "cpu", "mixed", "phases", "starvation"));
        int ioBest = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> full = false;
                case "--full" -> full = true;
                case "--out" -> out = Path.of(value(args, ++i, "--out needs a directory"));
                case "--only" -> only = new HashSet<>(Arrays.asList(value(args, ++i, "--only needs a list").split(",")));
                case "--io-best" -> ioBest = ioBest(value(args, ++i, "--io-best needs a pool size, e.g. --io-best 512"));
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "': use --quick, --full, --out DIR, --only io,downstream,cpu,mixed,phases,starvation, --io-best N");
            }
        }
        LocalHttpServer.configureSockets();
        double loadBefore = load();
        AdaptiveSuite suite = new AdaptiveSuite(full, out, "");
        suite.ioBestSize = ioBest;
        long t0 = System.nanoTime();
        try (LocalHttpServer ample = new LocalHttpServer(0); LocalHttpServer limited = new LocalHttpServer(DOWNSTREAM_LIMIT)) {
            warmUp(ample);
            if (only.contains("io") || (only.contains("phases") && ioBest < 0)) {
                suite.io(ample);
            }
            if (only.contains("downstream")) {
                suite.downstream(limited);
            }
            if (only.contains("cpu")) {
                suite.cpu();
            }
            if (only.contains("mixed")) {
                suite.mixed(ample);
            }
            if (only.contains("phases")) {
                suite.phases(ample);
            }
        }
        if (only.contains("starvation")) {
            suite.starvation();
        }
        String header = String.format(Locale.ROOT, "Adaptive suite (%s): Java %s, %d CPUs, %.0f s. Load average "
                        + "(1 min) before -> after: %.2f -> %.2f; above ~0.3 at the start means other processes shared the "
                        + "CPUs and the figures are disturbed. Each run counts from its first task (the adaptive pool "
                        + "pays for finding its size); fixed sizes and peers %.0f s each, adaptive %.0f s; %d tasks in "
                        + "flight. Command: `java -cp ... io.jpool.bench.AdaptiveSuite %s`.",
                full ? "full" : "quick", Runtime.version(), CPUS, (System.nanoTime() - t0) / 1e9, loadBefore, load(),
                suite.fixedSeconds, suite.adaptiveSeconds, IN_FLIGHT, String.join(" ", args));
        SuiteReport r = suite.report.withHeader(header);
        r.write(out);
        System.out.println();
        System.out.print(r.toMarkdown());
        System.out.println("written: " + out.toAbsolutePath() + "/adaptive.{md,json} and *.svg");
    }

    /**
     * Runs the HTTP client and server code and the CPU loop for a while, uncounted: the first pool
     * measured would otherwise pay for class loading and the JIT alone.
     */
    private static void warmUp(LocalHttpServer server) throws InterruptedException {
        System.out.println("== warm-up: 2 s of GETs and 1 ms CPU tasks on a fixed pool of 32, not counted");
        try (Contender c = Contender.fixed(32)) {
            ClosedLoop.run(c, since -> {
                server.call();
                CpuWork.spin(CPU_TASK_NANOS);
            }, 2, 64);
        }
    }

    private void io(LocalHttpServer server) throws Exception {
        ClosedLoop.Workload w = since -> server.call();
        Sweep sweep = sweep("io", "I/O-bound: a GET held 20 ms by a local server of ample capacity", w, IN_FLIGHT);
        ioBestSize = sweep.bestSize();
        List<Run> runs = contenders(w, IN_FLIGHT);
        Run a = runs.get(0);
        List<SuiteReport.Verdict> v = List.of(new SuiteReport.Verdict(">= 90% of the best fixed size within 5 s",
                pct(a.tasksPerSec(), sweep.bestRate()) + " of fixed " + sweep.bestSize(), a.tasksPerSec() >= 0.9 * sweep.bestRate()));
        section("io", "I/O-bound: a GET held 20 ms by a local server of ample capacity", sweep, runs, v);
    }

    private void downstream(LocalHttpServer server) throws Exception {
        ClosedLoop.Workload w = since -> server.call();
        String title = "Downstream limit: the same server with " + DOWNSTREAM_LIMIT + " handler threads";
        Sweep sweep = sweep("downstream", title, w, IN_FLIGHT);
        List<Run> runs = contenders(w, IN_FLIGHT);
        Run a = runs.get(0);
        int smallest = sweep.smallestSizeReaching(0.9);
        double threads = a.meanThreads(adaptiveSeconds / 2);
        List<SuiteReport.Verdict> v = List.of(
                new SuiteReport.Verdict(">= 90% of the best fixed size", pct(a.tasksPerSec(), sweep.bestRate())
                        + " of fixed " + sweep.bestSize(), a.tasksPerSec() >= 0.9 * sweep.bestRate()),
                new SuiteReport.Verdict("<= 1.5x the threads of the smallest fixed size reaching 90% of the best ("
                        + smallest + ")", String.format(Locale.ROOT, "%.1f threads (mean, 2nd half) = %.2fx", threads,
                        threads / smallest), threads <= 1.5 * smallest));
        section("downstream", title, sweep, runs, v);
    }

    private void cpu() throws Exception {
        ClosedLoop.Workload w = since -> CpuWork.spin(CPU_TASK_NANOS);
        String title = "CPU-bound: 1 ms of CPU time per task";
        System.out.println("== " + title);
        Run fixed;
        try (Contender c = Contender.fixed(CPUS)) {
            fixed = ClosedLoop.run(c, w, fixedSeconds + 1, IN_FLIGHT);
        }
        System.out.printf(Locale.ROOT, "  fixed %4d: %8.0f tasks/s%n", CPUS, fixed.tasksPerSec());
        List<Run> runs = contenders(w, IN_FLIGHT);
        Run a = runs.get(0);
        double longest = longestAbove(a, CPUS + 1);
        List<SuiteReport.Verdict> v = List.of(
                new SuiteReport.Verdict(">= 95% of a pool of #CPU (" + CPUS + ") threads",
                        pct(a.tasksPerSec(), fixed.tasksPerSec()), a.tasksPerSec() >= 0.95 * fixed.tasksPerSec()),
                new SuiteReport.Verdict("never more than #CPU + 1 (" + (CPUS + 1) + ") busy threads for long (> 1 s)",
                        String.format(Locale.ROOT, "longest stretch above: %.1f s, peak %d", longest, a.peakRunning()),
                        longest <= 1.0));
        List<Run> all = new ArrayList<>();
        all.add(fixed);
        all.addAll(runs);
        rowsAndPlot("cpu", title, all, fixed.tasksPerSec(), v, List.of());
    }

    private void mixed(LocalHttpServer server) throws Exception {
        ClosedLoop.Workload w = since -> {
            CpuWork.spin(CPU_TASK_NANOS);
            server.call();
        };
        String title = "Mixed: 1 ms of CPU, then a GET held 20 ms (ample server)";
        Sweep sweep = sweep("mixed", title, w, IN_FLIGHT);
        List<Run> runs = contenders(w, IN_FLIGHT);
        Run a = runs.get(0);
        List<SuiteReport.Verdict> v = List.of(new SuiteReport.Verdict(">= 90% of the best fixed size within 5 s "
                + "(the I/O target; the issue's own target for mixed work is the phases' re-convergence)",
                pct(a.tasksPerSec(), sweep.bestRate()) + " of fixed " + sweep.bestSize(), a.tasksPerSec() >= 0.9 * sweep.bestRate()));
        section("mixed", title, sweep, runs, v);
    }

    private void phases(LocalHttpServer server) throws Exception {
        long phase = (long) (phaseSeconds * 1e9);
        ClosedLoop.Workload w = since -> {
            if ((since / phase) % 2 == 1) {
                CpuWork.spin(CPU_TASK_NANOS);
            } else {
                server.call();
            }
        };
        String title = String.format(Locale.ROOT, "Phases: I/O -> CPU -> I/O, %.0f s each (adaptive; the fixed "
                + "references run one phase each just before)", phaseSeconds);
        System.out.println("== " + title);
        // the references, measured as the adaptive pool's phases are: a fixed pool of the phase's
        // best size (the I/O sweep's best, #CPU) running the phase's work for one phase, its rate the
        // median 0.5 s bin of the second half. The sweep's rates count from the first task over 2 s
        // and a phase's second half is steady state: the two do not compare
        Run ioRef = phaseReference(ioBestSize, since -> server.call());
        Run cpuRef = phaseReference(CPUS, since -> CpuWork.spin(CPU_TASK_NANOS));
        Run a;
        try (Contender c = Contender.adaptive()) {
            a = ClosedLoop.run(c, w, 3 * phaseSeconds, IN_FLIGHT);
            c.changes().forEach(line -> System.out.println("      " + line));
        }
        List<SuiteReport.Verdict> v = new ArrayList<>();
        String[] names = {"start (I/O)", "I/O -> CPU", "CPU -> I/O"};
        for (int p = 0; p < 3; p++) {
            boolean cpuPhase = p % 2 == 1;
            double from = p * phaseSeconds;
            double to = (p + 1) * phaseSeconds;
            Run refRun = cpuPhase ? cpuRef : ioRef;
            double ref = steadyRate(refRun, phaseSeconds / 2, phaseSeconds);
            double steady = steadyRate(a, from + phaseSeconds / 2, to);
            double t = convergence(a, from, to, ref, cpuPhase ? CPUS + 1 : Integer.MAX_VALUE);
            String measured = (Double.isNaN(t) ? "did not converge within the phase" : String.format(Locale.ROOT, "%.1f s", t))
                    + String.format(Locale.ROOT, " (%s steady %.0f/s; the pool's own steady rate %.0f/s = %s of it)",
                    refRun.name(), ref, steady, pct(steady, ref));
            v.add(new SuiteReport.Verdict(names[p] + ": within 3 s, two 0.5 s bins in a row at 90% of the steady rate of "
                    + refRun.name() + " measured the same way (median 0.5 s bin of a phase's second half)"
                    + (cpuPhase ? " with at most #CPU + 1 running" : ""), measured, !Double.isNaN(t) && t <= 3.0));
        }
        rowsAndPlot("phases", title, List.of(a, ioRef, cpuRef), Double.NaN, v, List.of(phaseSeconds, 2 * phaseSeconds));
    }

    /** A fixed pool of {@code size} running {@code w} for one phase, a reference for the phases. */
    private Run phaseReference(int size, ClosedLoop.Workload w) throws InterruptedException {
        Run r;
        try (Contender c = Contender.fixed(size)) {
            r = ClosedLoop.run(c, w, phaseSeconds, IN_FLIGHT);
        }
        System.out.printf(Locale.ROOT, "  reference fixed %d: steady %.0f tasks/s (median 0.5 s bin of %.0f..%.0f s)%n", size,
                steadyRate(r, phaseSeconds / 2, phaseSeconds), phaseSeconds / 2, phaseSeconds);
        return r;
    }

    private void starvation() throws Exception {
        String title = "Starvation: " + STARVATION_TASKS + " tasks that end only once all run at once";
        System.out.println("== " + title);
        List<SuiteReport.Row> rows = new ArrayList<>();
        List<SuiteReport.Verdict> v = new ArrayList<>();
        for (Supplier<Contender> make : peers()) {
            try (Contender c = make.get()) {
                if (c == null) {
                    continue;
                }
                double s = escape(c, 5);
                String note = Double.isNaN(s) ? "stuck: still waiting after 5 s" : String.format(Locale.ROOT, "escaped in %.2f s", s);
                System.out.printf(Locale.ROOT, "  %-22s %s%n", c.name(), note);
                c.changes().forEach(line -> System.out.println("      " + line));
                int threads = c.threads();
                rows.add(new SuiteReport.Row(c.name(), Double.NaN, Double.NaN, Double.NaN, -1, Double.NaN,
                        note + (threads >= 0 ? ", " + threads + " threads then" : "")));
                if (c.name().equals("adaptive")) {
                    v.add(new SuiteReport.Verdict("escapes within 1 s", Double.isNaN(s) ? "stuck" : String.format(Locale.ROOT,
                            "%.2f s", s), !Double.isNaN(s) && s <= 1.0));
                }
            }
        }
        report.add(new SuiteReport.Section("starvation", title, rows, v, null));
    }

    /** Seconds until all the starvation tasks ended, NaN if not within {@code timeoutSeconds}. */
    private static double escape(Contender c, int timeoutSeconds) throws InterruptedException {
        CountDownLatch all = new CountDownLatch(STARVATION_TASKS);
        CountDownLatch ended = new CountDownLatch(STARVATION_TASKS);
        long t0 = System.nanoTime();
        long giveUp = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds + 1);
        for (int i = 0; i < STARVATION_TASKS; i++) {
            c.executor().execute(() -> {
                all.countDown();
                try {
                    // one deadline for all, so the tasks of a stuck pool end together soon after it
                    all.await(giveUp - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    ended.countDown();
                }
            });
        }
        boolean escaped = all.await(timeoutSeconds, TimeUnit.SECONDS);
        double s = (System.nanoTime() - t0) / 1e9;
        // a stuck pool runs its queued tasks after the deadline, each ending at once: wait for them
        if (!ended.await(timeoutSeconds + 30L, TimeUnit.SECONDS)) {
            throw new IllegalStateException(c.name() + ": starvation tasks did not end");
        }
        return escaped ? s : Double.NaN;
    }

    private Sweep sweep(String key, String title, ClosedLoop.Workload w, int inFlight) throws InterruptedException {
        System.out.println("== " + title);
        return Sweep.run(w, fixedSeconds, inFlight, MAX_FIXED);
    }

    /** The adaptive pool first, then the peers that this JVM has. */
    private List<Run> contenders(ClosedLoop.Workload w, int inFlight) throws InterruptedException {
        List<Run> runs = new ArrayList<>();
        boolean first = true;
        for (Supplier<Contender> make : peers()) {
            try (Contender c = make.get()) {
                if (c == null) {
                    continue;
                }
                Run r = ClosedLoop.run(c, w, first ? adaptiveSeconds : fixedSeconds, inFlight);
                System.out.printf(Locale.ROOT, "  %-22s %8.0f tasks/s, peak %d running, mean task %.1f ms%s%s%n", c.name(),
                        r.tasksPerSec(), r.peakRunning(), r.meanTaskMs(), r.failed() > 0 ? ", " + r.failed() + " FAILED" : "",
                        r.adaptive() == null ? "" : ", target " + r.adaptive().target() + " (" + r.adaptive().reason() + ")");
                c.changes().forEach(line -> System.out.println("      " + line));
                runs.add(r);
            }
            first = false;
        }
        return runs;
    }

    private static List<Supplier<Contender>> peers() {
        return List.of(Contender::adaptive, Contender::pythonDefault, Contender::cached, Contender::commonPool,
                Contender::virtualThreads);
    }

    private void section(String key, String title, Sweep sweep, List<Run> runs, List<SuiteReport.Verdict> v) throws Exception {
        List<Run> all = new ArrayList<>(runs);
        all.addAll(sweep.runs());
        rowsAndPlot(key, title, all, sweep.bestRate(), v, List.of());
    }

    private void rowsAndPlot(String key, String title, List<Run> runs, double best, List<SuiteReport.Verdict> v,
                             List<Double> markers) throws Exception {
        List<SuiteReport.Row> rows = new ArrayList<>();
        SvgPlot plot = new SvgPlot(title);
        markers.forEach(plot::marker);
        for (Run r : runs) {
            double secs = r.series().isEmpty() ? 0 : r.series().get(r.series().size() - 1).seconds();
            String note = r.adaptive() == null ? (r.name().startsWith("virtual") ? "threads = tasks running" : null)
                    : "final target " + r.adaptive().target() + ": " + r.adaptive().reason();
            if (r.failed() > 0) {
                note = (note == null ? "" : note + "; ") + r.failed() + " tasks failed (not counted)";
            }
            rows.add(new SuiteReport.Row(r.name(), r.tasksPerSec(), Double.isNaN(best) ? Double.NaN : 100 * r.tasksPerSec() / best,
                    r.meanThreads(secs / 2), r.peakRunning(), r.meanTaskMs(), note));
            if (!r.name().startsWith("fixed") || runs.size() <= 6) {
                plot.add(series(r.name(), r, false));
            }
            if (r.adaptive() != null) {
                plot.add(targetSeries(r));
            }
        }
        String svg = "adaptive-" + key + ".svg";
        Files.createDirectories(out);
        Files.writeString(out.resolve(svg), plot.toSvg());
        Files.writeString(out.resolve("adaptive-" + key + ".csv"), seriesCsv(runs));
        for (SuiteReport.Verdict x : v) {
            System.out.printf(Locale.ROOT, "  target %s: %s -> %s%n", x.target(), x.measured(), x.met() ? "met" : "MISSED");
        }
        report.add(new SuiteReport.Section(key, title, rows, v, svg));
    }

    /**
     * Every run's samples, one line each (pool, seconds, tasks running, threads, adaptive target
     * or -1, tasks completed so far): the plot's data, with the completions that give the rate
     * over any stretch, to see where the seconds go after a change.
     */
    private static String seriesCsv(List<Run> runs) {
        StringBuilder csv = new StringBuilder("pool,seconds,running,threads,target,completed\n");
        for (Run r : runs) {
            for (Run.Point p : r.series()) {
                csv.append(String.format(Locale.ROOT, "%s,%.3f,%d,%d,%d,%d%n", r.name(), p.seconds(), p.running(),
                        p.threads(), p.target(), p.completed()));
            }
        }
        return csv.toString();
    }

    private static SvgPlot.Series series(String name, Run r, boolean dashed) {
        double[] x = r.series().stream().mapToDouble(Run.Point::seconds).toArray();
        double[] y = r.series().stream().mapToDouble(Run.Point::threadsOrRunning).toArray();
        return new SvgPlot.Series(name, x, y, dashed);
    }

    private static SvgPlot.Series targetSeries(Run r) {
        double[] x = r.series().stream().mapToDouble(Run.Point::seconds).toArray();
        double[] y = r.series().stream().mapToDouble(Run.Point::target).toArray();
        return new SvgPlot.Series("adaptive target", x, y, true);
    }

    /** The median completion rate of the 0.5 s bins between two times of the run. */
    static double steadyRate(Run r, double from, double to) {
        List<Double> bins = new ArrayList<>();
        for (double t = from; t + 0.5 <= to + 1e-9; t += 0.5) {
            bins.add(r.rateBetween(t, t + 0.5));
        }
        if (bins.isEmpty()) {
            return Double.NaN;
        }
        bins.sort(null);
        return bins.get(bins.size() / 2);
    }

    /** The longest stretch, in seconds, of samples with more than {@code limit} tasks running. */
    static double longestAbove(Run r, int limit) {
        double longest = 0;
        double since = Double.NaN;
        for (Run.Point p : r.series()) {
            if (p.running() > limit) {
                if (Double.isNaN(since)) {
                    since = p.seconds();
                }
                longest = Math.max(longest, p.seconds() - since + ClosedLoop.SAMPLE_MS / 1000.0);
            } else {
                since = Double.NaN;
            }
        }
        return longest;
    }

    /**
     * Seconds from {@code from} to the end of the first of two 0.5 s bins in a row that reach 90%
     * of {@code ref} with at most {@code maxRunning} tasks running; NaN if none before {@code to}.
     */
    static double convergence(Run r, double from, double to, double ref, int maxRunning) {
        int okInARow = 0;
        for (double t = from + 0.5; t <= to + 1e-9; t += 0.5) {
            double binFrom = t - 0.5;
            double binTo = t;
            boolean calm = r.series().stream().filter(p -> p.seconds() >= binFrom && p.seconds() <= binTo)
                    .allMatch(p -> p.running() <= maxRunning);
            if (r.rateBetween(binFrom, binTo) >= 0.9 * ref && calm) {
                if (++okInARow == 2) {
                    return t - 0.5 - from; // the end of the first good bin
                }
            } else {
                okInARow = 0;
            }
        }
        return Double.NaN;
    }

    private static String pct(double a, double b) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * a / b);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static int ioBest(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--io-best needs a pool size of at least 1 (the io sweep's best, e.g. 512), got '"
                + s + "'");
    }

    private static String value(String[] args, int i, String message) {
        if (i >= args.length) {
            throw new IllegalArgumentException(message);
        }
        return args[i];
    }
}
