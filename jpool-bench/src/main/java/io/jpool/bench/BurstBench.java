package io.jpool.bench;

import io.jpool.ThreadPool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A burst of blocking tasks on a busy machine (issue 14 §5): a pool of at most 2,000 threads gets
 * 5,000 tasks that each sleep 100 ms, submitted in a loop, then every result is awaited. jpool's
 * {@code ThreadPool} against {@code Executors.newFixedThreadPool(2000)}, a fresh pool each round,
 * rounds interleaved (jpool, TPE, jpool, ...) in one JVM, while {@code load} child JVMs each spin
 * on a CPU. Prints each round, then JSON: per executor the median and worst round in ms, and the
 * rounds that took over {@value #STALL_MS} ms (a pool that stopped growing crawls for seconds).
 *
 * <p>Usage: {@code BurstBench [rounds per executor, default 15] [busy child JVMs, default 2]}.
 * Targets: under load jpool's median at most TPE's and its worst at most 1.5x TPE's; with no load
 * no stall in 100 rounds.
 */
public final class BurstBench {
    private static final int MAX_WORKERS = 2_000;
    private static final int TASKS = 5_000;
    private static final long SLEEP_MS = 100;
    /** A round this long means the pool stopped growing: 5,000 tasks over 2,000 threads take ~0.3 s. */
    private static final long STALL_MS = 5_000;

    private BurstBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int load = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<Process> spinners = new ArrayList<>();
        try {
            for (int i = 0; i < load; i++) {
                spinners.add(startSpinner());
            }
            List<Long> jpool = new ArrayList<>();
            List<Long> tpe = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                jpool.add(oneRound(ThreadPool.create(MAX_WORKERS)));
                tpe.add(oneRound(Executors.newFixedThreadPool(MAX_WORKERS)));
                System.err.printf(Locale.ROOT, "round %d: jpool %d ms, tpe %d ms%n", r, jpool.get(r), tpe.get(r));
            }
            System.out.printf(Locale.ROOT, "{\"results\": {\"burst.load%d\": {%s, %s, \"rounds\": %d}}}%n",
                    load, summary("jpool", jpool), summary("tpe", tpe), rounds);
        } finally {
            for (Process p : spinners) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** ms from the first submit to the last result; the pool is then shut down and awaited. */
    private static long oneRound(ExecutorService pool) throws Exception {
        Callable<Integer> sleeper = () -> {
            Thread.sleep(SLEEP_MS);
            return 1;
        };
        try {
            long t0 = System.nanoTime();
            List<Future<Integer>> fs = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                fs.add(pool.submit(sleeper));
            }
            for (Future<Integer> f : fs) {
                f.get();
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        } finally {
            pool.shutdown();
            if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("pool did not terminate: " + pool);
            }
        }
    }

    private static String summary(String name, List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        long stalls = s.stream().filter(x -> x > STALL_MS).count();
        return String.format(Locale.ROOT, "\"%s_median_ms\": %d, \"%s_worst_ms\": %d, \"%s_stalls\": %d",
                name, s.get(s.size() / 2), name, s.get(s.size() - 1), name, stalls);
    }

    /** A child JVM that spins on one CPU until it is destroyed or this JVM's end closes its stdin. */
    private static Process startSpinner() throws Exception {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(javaBin, "-Xmx32m", "-cp", System.getProperty("java.class.path"), Spinner.class.getName())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The busy child: one thread spins; it exits when its stdin ends (the parent died). */
    public static final class Spinner {
        private static volatile long sink;

        private Spinner() {
        }

        public static void main(String[] args) throws Exception {
            Thread spin = new Thread(() -> {
                long x = 0;
                for (;;) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                    sink = x;
                }
            });
            spin.setDaemon(true);
            spin.start();
            while (System.in.read() >= 0) {
                // the parent never writes: read() returns -1 once it is gone
            }
            System.exit(0);
        }
    }
}
