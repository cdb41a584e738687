package io.jpool.internal.process;

import io.jpool.AdaptiveStats;
import io.jpool.internal.adaptive.AdaptiveController;
import io.jpool.internal.adaptive.AdaptiveSample;

/**
 * Decides how many worker JVMs an adaptive {@link io.jpool.ProcessPool} may run, whether one more
 * may start now, and when an idle one retires. Pure logic: it sees only the samples it is given,
 * with their clock, so tests drive it with a fake clock and synthetic readings;
 * {@link ProcessSizer} feeds it from the live pool.
 *
 * <h2>How it works</h2>
 * <ul>
 *   <li><b>What the work needs</b> comes from the thread pool's {@link AdaptiveController}, fed
 *       the process pool's readings at each tick: tasks ended, the busy workers' OS CPU time as
 *       the sampled CPU and their busy time as the sampled wall (no run-queue count: the
 *       machine's load stands in for it), tasks queued, workers busy. So the one controller
 *       decides: about as many workers as CPUs before anything is measured, the Goetz estimate
 *       {@code cpus x (1 + wait/compute)}, hill climbing on the completion rate with its bias
 *       toward fewer workers, more workers when queued work makes no progress (starvation, e.g.
 *       tasks that wait for each other), fewer when the work turns CPU-bound or the load falls.
 *       It counts at least one worker, so its min is {@code max(1, min)}.</li>
 *   <li><b>Memory</b> caps what the controller asks for: a worker starts only if the machine's
 *       available memory, less the RSS of the workers started since it was read, stays at least
 *       {@link #MEMORY_SAFETY} times a worker's RSS (measured on a live worker, else an
 *       estimate); the target is capped the same way at each tick. The first worker always
 *       starts, so work progresses; no second one starts until the machine was read after the
 *       pool last had no worker.</li>
 *   <li><b>Idle</b>: the pool gives tasks to no more workers at once than the target; the
 *       others wait idle. A worker idle for {@code idleTimeoutNanos} retires while more than min
 *       are alive; one above the target retires once idle for {@link #ABOVE_TARGET_IDLE_WINDOWS}
 *       windows (a JVM costs a start: a probe down, or a dip, shorter than that keeps it).</li>
 * </ul>
 * Every change of target, refusal for memory and retirement leaves a reason in words, which says
 * whether the controller or the memory cap set it. Not thread-safe: callers hold one lock around
 * every call.
 */
final class ProcessSizing {
    /** Available memory must stay this many times a worker's RSS for one more to start. */
    static final double MEMORY_SAFETY = 2.0;
    /**
     * Windows a worker above the target stays idle before it retires: longer than a probe down
     * of the hill climbing lasts, so a probe costs no JVM start when the target comes back.
     */
    static final int ABOVE_TARGET_IDLE_WINDOWS = 3;
    /** A probe's change of completion rate below this share is noise (a few slow tasks per window). */
    private static final double MARGIN = 0.1;

    /**
     * The policy's tuning.
     *
     * @param min               fewest workers kept once started; 0 or more
     * @param max               most workers; at least 1 and min
     * @param cpus              CPUs of the machine
     * @param idleTimeoutNanos  idle time after which a worker above min retires
     * @param windowNanos       how long each measurement window lasts; also how long queued work
     *                          may make no progress before it counts as starving (then more
     *                          workers every half window while it still makes none)
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
     * What the pool looks like at one tick. Tasks ended, CPU and busy time are running totals (the
     * policy takes the differences); the rest is the state now.
     *
     * @param nanoTime       the clock
     * @param completed      tasks that ended so far, whatever their outcome
     * @param cpuNanos       CPU time the workers used so far while busy with tasks
     * @param busyNanos      wall time the workers were busy with tasks so far, summed over workers
     * @param queued         tasks waiting for a worker now
     * @param workers        workers alive or starting now
     * @param busy           workers running a task now
     * @param availableBytes the machine's available memory now; -1 if unknown
     * @param rssBytes       the largest RSS of a live worker now; -1 if none was measured
     * @param cpuContention  runnable threads per CPU on the machine now (its load average / CPUs),
     *                       at least 1; NaN if unknown
     */
    record Sample(long nanoTime, long completed, long cpuNanos, long busyNanos, long queued, int workers, int busy,
                  long availableBytes, long rssBytes, double cpuContention) {
    }

    private final Settings settings;
    private AdaptiveController controller;
    private int target;
    /** The controller's target at the last tick: a change of ours without one of its came from memory. */
    private int lastWanted;
    private String reason;
    private long changes;
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
        this.controller = newController();
        this.target = controller.target();
        this.lastWanted = target;
        this.reason = "not measured yet: up to one worker per CPU (" + target + ")";
    }

    /** Takes one sample; true if the target changed. */
    boolean onTick(Sample s) {
        memoryReading(s.availableBytes(), s.rssBytes());
        double contention = Double.isNaN(s.cpuContention()) ? 1.0 : Math.max(1.0, s.cpuContention());
        controller.onTick(new AdaptiveSample(s.nanoTime(), s.completed(), s.cpuNanos(), s.busyNanos(), -1,
                s.queued(), s.busy(), contention));
        int wanted = controller.target();
        int affordable = memoryCap(s.workers());
        boolean controllerMoved = wanted != lastWanted;
        lastWanted = wanted;
        if (wanted > affordable) {
            return setTarget(affordable, "memory: " + memoryWords(s.workers()) + ", so no more than " + affordable
                    + " (the controller asks for " + wanted + ": " + controller.stats().reason() + ")");
        }
        return setTarget(wanted, controllerMoved ? "controller: " + controller.stats().reason()
                : "memory: " + (availableBytes >> 20) + " MiB available, room for the " + wanted
                + " workers the controller asks for (" + controller.stats().reason() + ")");
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
        if (workers > target && idleNanos >= ABOVE_TARGET_IDLE_WINDOWS * settings.windowNanos()) {
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

    /** A worker's RSS as measured (or estimated), in bytes. */
    long rssBytes() {
        return rssBytes;
    }

    String reason() {
        return reason;
    }

    /** The measured wait/compute ratio of the busy workers; NaN until measured. */
    double waitComputeRatio() {
        return controller.stats().waitComputeRatio();
    }

    AdaptiveStats stats() {
        double ratio = waitComputeRatio();
        String now = String.format("%s; now: wait/compute %s, worker RSS %d MiB%s, available %s",
                reason, Double.isNaN(ratio) ? "not measured" : String.format(java.util.Locale.ROOT, "%.2f", ratio),
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

    /**
     * The pool went quiet (no worker, nothing queued): its next start needs a fresh reading before
     * a second one, and the controller starts over, as the ticker stopped: its clock of the last
     * task ended would make the first busy tick after a long quiet look like starvation. The
     * target follows the new controller at the next tick, when work came back.
     */
    void wentQuiet() {
        readingStale = true;
        controller = newController();
        lastWanted = -1; // the new controller's first target is its own choice
    }

    private AdaptiveController newController() {
        return new AdaptiveController(new AdaptiveController.Settings(Math.max(1, settings.min()), settings.max(),
                settings.cpus(), settings.windowNanos(), settings.windowNanos(), settings.windowNanos() / 2, MARGIN));
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
        return String.format("%d MiB available, less than %.0f x %d MiB (a worker's RSS%s) to spare with %d alive",
                availableBytes >> 20, MEMORY_SAFETY, rssBytes >> 20, rssMeasured ? "" : ", estimated until one is measured",
                workers);
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
