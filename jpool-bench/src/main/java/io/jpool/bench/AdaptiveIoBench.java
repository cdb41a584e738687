package io.jpool.bench;

import java.util.Locale;

/**
 * The I/O-bound workload of issue 18 without a server: tasks that each sleep 20 ms (a call to a
 * service of unlimited capacity, with no client or server CPU in it), {@value #IN_FLIGHT} kept in
 * flight, for a fixed time. The sweep of fixed sizes 1, 2, 4 ... 512 runs first, then
 * {@code adaptive()}; each reports completions per second over the whole run (so the adaptive pool
 * pays for finding its size). {@link AdaptiveSuite} runs the same comparison against a real local
 * HTTP server, with the other workloads and the peers.
 *
 * <p>Usage: {@code AdaptiveIoBench [seconds per pool, default 5]}.
 * Target: adaptive at least 90% of the best fixed size's throughput within 5 s.
 */
public final class AdaptiveIoBench {
    private static final int IN_FLIGHT = 2_048;

    private AdaptiveIoBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ClosedLoop.Workload sleep = since -> Thread.sleep(LocalHttpServer.WAIT_MS);
        Sweep sweep = Sweep.run(sleep, seconds, IN_FLIGHT, 512);
        Run r;
        try (Contender adaptive = Contender.adaptive()) {
            r = ClosedLoop.run(adaptive, sleep, seconds, IN_FLIGHT);
        }
        System.out.printf(Locale.ROOT, "  adaptive  : %8.0f tasks/s, peak %d running, final target %d (%s)%n",
                r.tasksPerSec(), r.peakRunning(), r.adaptive().target(), r.adaptive().reason());
        System.out.printf(Locale.ROOT, "adaptive / best fixed (%d): %.0f%%%n", sweep.bestSize(),
                100 * r.tasksPerSec() / sweep.bestRate());
    }
}
