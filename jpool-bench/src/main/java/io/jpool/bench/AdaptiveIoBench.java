package io.jpool.bench;

import io.jpool.AdaptiveStats;
import io.jpool.ThreadPool;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An I/O-bound workload (issue 18): tasks that each wait 20 ms (a sleep standing in for a call to
 * a server of ample capacity), kept {@value #IN_FLIGHT} in flight by the caller, for a fixed time.
 * The sweep of fixed {@code maxWorkers} 1, 2, 4 ... 512 runs first, then {@code adaptive()}; each
 * reports completions per second over the whole run (so the adaptive pool pays for finding its
 * size) and the most tasks that ran at once. Prints one line per pool, then the adaptive pool's
 * throughput as a share of the best fixed size's.
 *
 * <p>Usage: {@code AdaptiveIoBench [seconds per pool, default 5]}.
 * Target: adaptive at least 90% of the best fixed size's throughput within 5 s.
 */
public final class AdaptiveIoBench {
    private static final int IN_FLIGHT = 2_048;
    private static final long WAIT_MS = 20;

    private AdaptiveIoBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double best = 0;
        int bestSize = 0;
        for (int size = 1; size <= 512; size *= 2) {
            double[] r = run(ThreadPool.builder().maxWorkers(size).build(), seconds);
            System.out.printf(Locale.ROOT, "fixed %4d: %8.0f tasks/s, peak %d running%n", size, r[0], (int) r[1]);
            if (r[0] > best) {
                best = r[0];
                bestSize = size;
            }
        }
        ThreadPool adaptive = ThreadPool.builder().adaptive().build();
        double[] r = run(adaptive, seconds);
        AdaptiveStats s = adaptive.adaptiveStats().orElseThrow();
        System.out.printf(Locale.ROOT, "adaptive  : %8.0f tasks/s, peak %d running, final target %d (%s)%n",
                r[0], (int) r[1], s.target(), s.reason());
        System.out.printf(Locale.ROOT, "adaptive / best fixed (%d): %.0f%%%n", bestSize, 100 * r[0] / best);
    }

    /** Runs the workload on {@code pool} for {@code seconds}, then closes it: {tasks/s, peak running}. */
    private static double[] run(ThreadPool pool, int seconds) throws InterruptedException {
        Semaphore room = new Semaphore(IN_FLIGHT);
        LongAdder done = new LongAdder();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        try (pool) {
            while (System.nanoTime() < end) {
                if (!room.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                pool.submit(() -> {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(WAIT_MS);
                    } finally {
                        running.decrementAndGet();
                        done.increment();
                        room.release();
                    }
                    return null;
                });
            }
            long counted = done.sum();
            double elapsed = (System.nanoTime() - start) / 1e9;
            pool.shutdownNow();
            return new double[] {counted / elapsed, peak.get()};
        }
    }
}
