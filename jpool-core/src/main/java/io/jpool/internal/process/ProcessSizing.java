package io.jpool.internal.process;

import io.jpool.AdaptiveStats;

/**
 * Decides how many worker JVMs an adaptive {@link io.jpool.ProcessPool} may run, whether one more
 * may start now, and when an idle one retires. Pure logic: it sees only the samples it is given,
 * with their clock, so tests drive it with a fake clock and synthetic readings;
 * {@link ProcessSizer} feeds it from the live pool.
 *
 * <h2>How it works</h2>
 * <ul>
 *   <li><b>Target</b> (the most workers the pool starts for queued work): before anything is
 *       measured, as many as CPUs (within {@code [max(min, 1), max]}). Samples are summed over
 *       windows of {@code windowNanos}; at the end of a window in which workers were busy long
 *       enough to tell, the share of their busy time spent on a CPU ({@code cpu / busy wall}) gives
 *       the Goetz estimate {@code cpus x (1 + wait/compute) = cpus / share}: about as many workers
 *       as CPUs for CPU-bound tasks, more (up to max) for tasks that wait.</li>
 *   <li><b>Busy CPUs</b>: a task waiting for a CPU would look like one waiting for I/O, so the
 *       measured share is multiplied by the machine's contention (runnable threads per CPU, at
 *       least 1): CPU-bound tasks on a crowded machine, or too many of the pool's own workers,
 *       still count as CPU-bound and the target falls back to the CPU count.</li>
 *   <li><b>Memory</b>: a worker starts only if the machine's available memory, less the RSS of the
 *       workers started since it was read, stays at least {@link #MEMORY_SAFETY} times a worker's
 *       RSS (measured on a live worker, else an estimate). The target is capped the same way at
 *       each window. The first worker always starts, so work progresses; no second one starts
 *       until the machine was read after the pool last had no worker.</li>
 *   <li><b>Idle</b>: a worker idle for {@code idleTimeoutNanos} retires while more than min are
 *       alive; one above the target retires as soon as it is seen idle.</li>
 * </ul>
 * Every change of target, refusal for memory and retirement leaves a reason in words. Not
 * thread-safe: callers hold one lock around every call.
 */
final class ProcessSizing {
    /** Available memory must stay this many times a worker's RSS for one more to start. */
    static final double MEMORY_SAFETY = 2.0;
    /** Part of a window that workers must be busy in, summed, before its share is trusted. */
    private static final double MIN_BUSY_PART = 0.1;

    /**
     * The policy's tuning.
     *
     * @param min               fewest workers kept once started; 0 or more
     * @param max               most workers; at least 1 and min
     * @param cpus              CPUs of the machine
     * @param idleTimeoutNanos  idle time after which a worker above min retires
     * @param windowNanos       how long each measurement window lasts
     * @param rssEstimateBytes  a worker's RSS until one is measured
     */
    record Settings(int min, int max, int cpus, long idleTimeoutNanos, long windowNanos, long rssEstimateBytes) {
        Settings {
            if (min < 0 || max < 1 || max < min || cpus < 1 || idleTimeoutNanos <= 0 || windowNanos <= 0
                    || rssEstimateBytes <= 0) {
                throw new IllegalArgumentException("bad process sizing settings: min=" + min + ", max=" + max
                        + ", cpus=" + cpus + ", idleTimeoutNanos=" + idleTimeoutNanos + ", windowNanos=" + windowNanos
                        + ", rssEstimateBytes=" + rssEstimateBytes + " (need 0 <= min <= max, max >= 1, the rest > 0)");
            }
        }
    }

    /**
     * What the pool looks like at one tick. CPU and busy time are running totals (the policy takes
     * the differences); the rest is the state now.
     *
     * @param nanoTime       the clock
     * @param cpuNanos       CPU time the workers used so far (while they were alive and serving)
     * @param busyNanos      wall time the workers were busy with tasks so far, summed over workers
     * @param workers        workers alive or starting now
     * @param busy           workers running a task now
     * @param availableBytes the machine's available memory now; -1 if unknown
     * @param rssBytes       the largest RSS of a live worker now; -1 if none was measured
     * @param cpuContention  runnable threads per CPU on the machine now (its load average / CPUs),
     *                       at least 1; NaN if unknown
     */
    record Sample(long nanoTime, long cpuNanos, long busyNanos, int workers, int busy, long availableBytes,
                  long rssBytes, double cpuContention) {
    }

    private final Settings settings;
    private int target;
    private double cpuShare = Double.NaN;
    private String reason;
    private long changes;
    private Sample windowStart;
    private long availableBytes = -1;
    private long rssBytes;
    private boolean rssMeasured;
    /** Workers started since {@link #availableBytes} was read: their memory is not in it yet. */
    private int startsSinceReading;
    /** No reading yet, or the last one is from before the pool went quiet: only a first worker starts. */
    private boolean readingStale = true;

    ProcessSizing(Settings settings) {
        this.settings = settings;
        this.rssBytes = settings.rssEstimateBytes();
        this.target = clamp(settings.cpus());
        this.reason = "not measured yet: up to one worker per CPU (" + target + ")";
    }

    /** Takes one sample; true if the target changed. */
    boolean onTick(Sample s) {
        memoryReading(s.availableBytes(), s.rssBytes());
        if (windowStart == null) {
            windowStart = s;
            return false;
        }
        long wall = s.nanoTime() - windowStart.nanoTime();
        if (wall < settings.windowNanos()) {
            return false;
        }
        long cpu = s.cpuNanos() - windowStart.cpuNanos();
        long busyWall = s.busyNanos() - windowStart.busyNanos();
        windowStart = s;
        if (busyWall < MIN_BUSY_PART * wall) {
            return false; // too little work to tell what kind it is
        }
        double measured = (double) cpu / busyWall;
        double contention = Double.isNaN(s.cpuContention()) ? 1.0 : Math.max(1.0, s.cpuContention());
        // on a machine with more runnable threads than CPUs, a worker gets only 1/contention of a CPU
        // while it runs: that time is not "wait" in the Goetz sense, so the share is scaled back up
        double share = Math.max(0.01, Math.min(1.0, measured * contention));
        cpuShare = Double.isNaN(cpuShare) ? share : (cpuShare + share) / 2;
        int estimate = clamp((int) Math.round(settings.cpus() / cpuShare));
        String why = String.format("busy workers computed %.0f%% of the time%s: cpus x (1 + wait/compute) = %d",
                100 * cpuShare, contention > 1.0 ? String.format(" (%.0f%% measured, CPUs %.1fx oversubscribed)",
                        100 * measured, contention) : "", estimate);
        int affordable = memoryCap(s.workers());
        if (estimate > affordable) {
            estimate = affordable;
            why = memoryWords(s.workers()) + ": no more than " + affordable;
        }
        return setTarget(estimate, why);
    }

    /**
     * Whether one more worker may start now, {@code workers} being alive or starting; counts it as
     * started if so. A refusal for memory leaves its reason.
     */
    boolean mayStart(int workers) {
        if (workers >= target) {
            return false;
        }
        if (workers > 0 && readingStale) {
            return false; // the sizer reads the machine as the first worker starts, then starts the rest
        }
        if (workers > 0 && !memoryAllowsOneMore()) {
            String refusal = "refused to start worker " + (workers + 1) + ": " + memoryWords(workers);
            if (!refusal.equals(reason)) {
                reason = refusal;
            }
            return false;
        }
        startsSinceReading++;
        return true;
    }

    /**
     * Whether a worker idle for {@code idleNanos} retires now, {@code workers} being alive; counts
     * it as gone if so.
     */
    boolean retires(long idleNanos, int workers) {
        if (workers > target && idleNanos > 0) {
            reason = "an idle worker retired: " + workers + " were alive, above the target " + target;
            return true;
        }
        if (idleNanos >= settings.idleTimeoutNanos() && workers > settings.min()) {
            reason = "a worker idle for " + idleNanos / 1_000_000 + " ms retired (idle timeout "
                    + settings.idleTimeoutNanos() / 1_000_000 + " ms, min " + settings.min() + ")";
            return true;
        }
        return false;
    }

    int target() {
        return target;
    }

    /** The share of busy time workers spent on a CPU, 0..1; NaN until measured. */
    double cpuShare() {
        return cpuShare;
    }

    /** A worker's RSS as measured (or estimated), in bytes. */
    long rssBytes() {
        return rssBytes;
    }

    String reason() {
        return reason;
    }

    AdaptiveStats stats() {
        double ratio = Double.isNaN(cpuShare) ? Double.NaN : (1 - cpuShare) / cpuShare;
        String now = String.format("%s; now: cpu share %s, worker RSS %d MiB%s, available %s",
                reason, Double.isNaN(cpuShare) ? "not measured" : String.format("%.0f%%", 100 * cpuShare),
                rssBytes >> 20, rssMeasured ? "" : " (estimate)",
                availableBytes < 0 ? "unknown" : (availableBytes >> 20) + " MiB");
        return new AdaptiveStats(target, settings.min(), settings.max(), ratio, now, changes);
    }

    /** A fresh reading of the machine's available memory and (if {@code rss > 0}) a worker's RSS. */
    void memoryReading(long available, long rss) {
        availableBytes = available;
        if (rss > 0) {
            rssBytes = rss;
            rssMeasured = true;
        }
        startsSinceReading = 0;
        readingStale = false;
    }

    /** The pool went quiet (no worker): its next start needs a fresh reading before a second one. */
    void forgetMemoryReading() {
        readingStale = true;
    }

    private boolean memoryAllowsOneMore() {
        if (availableBytes < 0) {
            return true; // unknown: nothing to go by
        }
        return availableBytes - (double) startsSinceReading * rssBytes >= MEMORY_SAFETY * rssBytes;
    }

    /** The most workers memory allows, {@code workers} being alive: those plus what fits (at least 1). */
    private int memoryCap(int workers) {
        if (availableBytes < 0) {
            return Integer.MAX_VALUE;
        }
        long more = 0;
        double left = availableBytes - (double) startsSinceReading * rssBytes;
        while (left >= MEMORY_SAFETY * rssBytes && workers + more < settings.max()) {
            more++;
            left -= rssBytes;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, workers + more));
    }

    private String memoryWords(int workers) {
        return String.format("%d MiB available, less than %.0f x %d MiB (a worker's RSS) to spare with %d alive",
                availableBytes >> 20, MEMORY_SAFETY, rssBytes >> 20, workers);
    }

    private boolean setTarget(int t, String why) {
        t = clamp(t);
        if (t == target) {
            return false;
        }
        reason = why + " (target " + target + " -> " + t + ")";
        target = t;
        changes++;
        return true;
    }

    private int clamp(int n) {
        return Math.max(Math.max(1, settings.min()), Math.min(settings.max(), n));
    }
}
