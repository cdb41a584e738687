package io.jpool.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Who held the CPU between two points of a benchmark, by kind of thread: the submitting threads,
 * the executor's workers and the JVM's collector. With more threads than CPUs (two submitters and
 * two workers on two vCPUs) a rate says little about why: these say what each kind of thread
 * spent, per task, and how long the workers sat runnable without a CPU or slept (parked).
 *
 * <h2>How it works</h2>
 * Linux only: reads {@code /proc/self/task/<tid>/comm} (the thread's name, cut to 15 characters)
 * and {@code schedstat} (CPU nanoseconds, then nanoseconds runnable but waiting for a CPU) of every
 * thread of the process; {@link #addSince} subtracts two such snapshots thread by thread (a thread
 * born in between counts from zero) and adds the differences to a tally, so a benchmark can sum
 * the parts it times and leave out the rest. Workers are told by a prefix of their names (one
 * executor's: {@link #workerPrefix}; jpool's exit guard is not a worker); the submitters are the
 * {@code main} thread (named {@code java} by the launcher) and threads whose names start with a
 * given prefix. Elsewhere, or if {@code /proc} cannot be read, the tally says "n/a".
 */
final class ThreadTimes {
    /** Per thread id: {name, cpu ns, runqueue wait ns}. */
    private final Map<String, Object[]> threads;

    private ThreadTimes(Map<String, Object[]> threads) {
        this.threads = threads;
    }

    /** A snapshot of every thread of this process. */
    static ThreadTimes now() {
        Map<String, Object[]> m = new HashMap<>();
        Path dir = Paths.get("/proc/self/task");
        if (!Files.isDirectory(dir)) {
            return new ThreadTimes(m);
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir)) {
            for (Path t : tasks) {
                try {
                    String name = new String(Files.readAllBytes(t.resolve("comm"))).trim();
                    String[] s = new String(Files.readAllBytes(t.resolve("schedstat"))).trim().split(" ");
                    m.put(t.getFileName().toString(), new Object[] {name, Long.parseLong(s[0]), Long.parseLong(s[1])});
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked: it counts as gone
                }
            }
        } catch (IOException e) {
            m.clear();
        }
        return new ThreadTimes(m);
    }

    /**
     * What the threads spent between {@code before} and this snapshot, {@code wallNanos} apart,
     * added to {@code into}: CPU ns of the submitters, the workers (names starting with
     * {@code workerPrefix}) and the collector, the workers' ns waiting for a CPU, the workers'
     * wall ns (wall time times their number), and the tasks run.
     */
    void addSince(ThreadTimes before, long wallNanos, long tasks, String submitterPrefix, String workerPrefix, long[] into) {
        if (threads.isEmpty() || before.threads.isEmpty()) {
            into[6] = -1;
            return;
        }
        int workers = 0;
        for (Map.Entry<String, Object[]> e : threads.entrySet()) {
            Object[] now = e.getValue();
            Object[] then = before.threads.get(e.getKey());
            long dCpu = (Long) now[1] - (then == null ? 0 : (Long) then[1]);
            long dWait = (Long) now[2] - (then == null ? 0 : (Long) then[2]);
            int kind = kind((String) now[0], submitterPrefix, workerPrefix);
            if (kind < 3) {
                into[kind] += dCpu;
            }
            if (kind == 1) {
                into[3] += dWait;
                workers++;
            }
        }
        into[4] += wallNanos * workers;
        into[5] += tasks;
    }

    /** The start of the worker threads' names of an executor made by {@link Executors4#create}. */
    static String workerPrefix(String kind) {
        switch (kind) {
            case "jpool":
                return "jpool-";
            case "fjp":
                return "ForkJoinPool";
            case "tpe":
                return "pool-";
            default:
                return kind;
        }
    }

    /** A new tally for {@link #addSince}. */
    static long[] tally() {
        return new long[7];
    }

    /**
     * A tally in words: CPU ns per task of the submitters, the workers and the collector, and the
     * share of the workers' time spent waiting for a CPU and asleep (neither running nor runnable).
     */
    static String describe(long[] t) {
        if (t[6] < 0 || t[5] == 0) {
            return "thread times n/a";
        }
        double workerWall = Math.max(1, t[4]);
        double asleep = Math.max(0, workerWall - t[1] - t[3]) / workerWall;
        return String.format(Locale.ROOT, "CPU ns/task: submitters %.1f, workers %.1f, GC %.1f; workers %.0f%% "
                + "waiting for a CPU, %.0f%% asleep", (double) t[0] / t[5], (double) t[1] / t[5], (double) t[2] / t[5],
                100.0 * t[3] / workerWall, 100.0 * asleep);
    }

    /** 0 submitter, 1 worker, 2 collector, 3 anything else. */
    private static int kind(String name, String submitterPrefix, String workerPrefix) {
        if (name.equals("java") || name.equals("main") || name.startsWith(submitterPrefix)) {
            return 0;
        }
        if (name.startsWith(workerPrefix) && !name.contains("exit")) {
            return 1;
        }
        if (name.startsWith("GC ") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return 2;
        }
        return 3;
    }
}
