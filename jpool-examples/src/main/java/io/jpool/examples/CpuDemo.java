package io.jpool.examples;

import io.jpool.MapOptions;
import io.jpool.Pool;
import io.jpool.ProcessPool;
import io.jpool.ProgressBar;
import io.jpool.ThreadPool;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The classic CPU case: count the primes below N in chunks, on a ThreadPool and on a ProcessPool,
 * showing that the same lambda runs in both and that worker processes are reused.
 */
final class CpuDemo {
    private static final int LIMIT = 4_000_000;
    private static final int CHUNKS = 16;

    /** Primes in [from, to), by trial division: deliberately CPU-bound. */
    static int countPrimes(int from, int to) {
        int count = 0;
        for (int n = Math.max(2, from); n < to; n++) {
            boolean prime = true;
            for (int d = 2; (long) d * d <= n; d++) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                count++;
            }
        }
        return count;
    }

    static void run() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        System.out.println("== CPU: count primes below " + LIMIT + " in " + CHUNKS + " chunks ==");
        List<Integer> chunkStarts = new ArrayList<>();
        for (int i = 0; i < CHUNKS; i++) {
            chunkStarts.add(i * (LIMIT / CHUNKS));
        }
        int step = LIMIT / CHUNKS;

        long t0 = System.nanoTime();
        int sequential = countPrimes(0, LIMIT);
        System.out.printf("sequential:          %8d primes in %5d ms%n", sequential, (System.nanoTime() - t0) / 1_000_000);

        try (ThreadPool threads = ThreadPool.create(cpus)) {
            time("ThreadPool(" + cpus + "):", threads, chunkStarts, step, MapOptions.defaults());
        }
        try (ProcessPool processes = ProcessPool.builder().maxWorkers(cpus).build()) {
            // the longest map of the demo: a progress bar, redrawn in place on a terminal
            ProgressBar bar = ProgressBar.to(System.out, "chunks", System.console() != null);
            time("ProcessPool(" + cpus + "):", processes, chunkStarts, step, MapOptions.defaults().onProgress(bar));
            // the same workers answer again: reuse, not a JVM per task
            List<Long> pids = processes.map((Integer i) -> ProcessHandle.current().pid(), chunkStarts).stream()
                    .collect(Collectors.toList());
            System.out.println("worker pids of " + pids.size() + " tasks: " + new TreeSet<>(pids)
                    + " (pool reports " + processes.workerPids() + ")");
        }
        System.out.println();
    }

    private static void time(String label, Pool pool, List<Integer> starts, int step, MapOptions options) {
        long t = System.nanoTime();
        int total = pool.map((Integer from) -> countPrimes(from, from + step), starts, options)
                .stream().mapToInt(Integer::intValue).sum();
        System.out.printf("%-20s %8d primes in %5d ms%n", label, total, (System.nanoTime() - t) / 1_000_000);
    }

    private CpuDemo() {
    }
}
