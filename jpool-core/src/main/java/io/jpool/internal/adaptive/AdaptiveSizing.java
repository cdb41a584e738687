package io.jpool.internal.adaptive;

import io.jpool.AdaptiveStats;
import io.jpool.internal.util.ThreadFactories;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs an adaptive pool's {@link AdaptiveController} on a daemon thread of its own, never on the
 * submit path.
 *
 * <h2>How it works</h2>
 * Every {@link #TICK_NANOS} the ticker asks the pool for a sample ({@link Pool#sample}), feeds it
 * to the controller and tells the pool the target ({@link Pool#applyTarget}), every tick, not only
 * on a change: the pool uses it to trim idle workers above the target and to start workers for
 * queued tasks below it. On a change it calls the listener. The ticker runs while the pool has
 * workers or queued tasks: the pool calls {@link #ensureRunning()} when it starts a worker; the
 * ticker exits once {@link Pool#isQuiet} holds (no worker, nothing queued) or the pool terminated,
 * and checks once more after letting go of its flag, so a worker started meanwhile is never left
 * without a ticker.
 *
 * <p>Late ticks: with hundreds of runnable workers on a few CPUs (I/O-bound work that just turned
 * CPU-bound), the scheduler gives the ticker a turn only after many of them, a second or more
 * after its tick was due, exactly when the pool must shrink. The workers run meanwhile, so a
 * worker that ends a sampled task ({@link #onSampledTask()}) runs a tick that is
 * {@link #LATE_NANOS} overdue itself. One tick runs at a time ({@link #ticking}); the listener is
 * still called on the ticker thread: a worker's tick queues its changes for it.
 */
public final class AdaptiveSizing {
    /** How often the controller looks at the pool. */
    public static final long TICK_NANOS = 100_000_000L;
    /** A tick this late is run by the next worker that ends a sampled task. */
    static final long LATE_NANOS = TICK_NANOS / 4;
    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

    /** What the ticker needs from its pool. */
    public interface Pool {
        /** A sample of the pool now (counters since it started). */
        AdaptiveSample sample(long nanoTime, double cpuContention);

        /** Makes the pool follow {@code target} workers; called every tick. */
        void applyTarget(int target);

        /** No worker and nothing queued: the ticker may stop. */
        boolean isQuiet();

        /** Terminated: the ticker stops for good. */
        boolean isTerminated();
    }

    private final AdaptiveConfig config;
    private final AdaptiveController controller;
    private final TaskSampler sampler = new TaskSampler();
    private final AtomicBoolean running = new AtomicBoolean();
    /** Held while a tick runs, by the ticker or a worker standing in for a late one. */
    private final AtomicBoolean ticking = new AtomicBoolean();
    /** When the next tick is due ({@link System#nanoTime()}). */
    private volatile long nextTickNanos = System.nanoTime() + TICK_NANOS;
    /** Changes made by workers' ticks, for the ticker thread to give the listener. */
    private final Queue<AdaptiveStats> unreported = new ConcurrentLinkedQueue<>();
    private final String threadName;
    private final int cpus = Runtime.getRuntime().availableProcessors();
    private Pool pool;

    public AdaptiveSizing(AdaptiveConfig config, String threadName) {
        this.config = config;
        this.controller = new AdaptiveController(AdaptiveController.Settings.of(config.min(), config.max(), cpus));
        this.threadName = threadName;
    }

    /** Binds the pool (once, before any worker starts). */
    public void bind(Pool pool) {
        this.pool = pool;
    }

    public TaskSampler sampler() {
        return sampler;
    }

    /** The target workers now. */
    public int target() {
        return controller.target();
    }

    public AdaptiveStats stats() {
        return controller.stats();
    }

    /** Starts the ticker thread unless it runs. */
    public void ensureRunning() {
        if (!running.get() && running.compareAndSet(false, true)) {
            nextTickNanos = System.nanoTime() + TICK_NANOS;
            Thread t = ThreadFactories.daemon(threadName, this::tickLoop);
            try {
                t.start();
            } catch (RuntimeException | Error e) {
                running.set(false); // the next worker start tries again
                throw e;
            }
        }
    }

    /**
     * Called by a worker that just ended a sampled task: runs the tick if the ticker is
     * {@link #LATE_NANOS} late with it. Costs a clock read and a volatile read otherwise.
     */
    public void onSampledTask() {
        long now = System.nanoTime();
        if (now - nextTickNanos >= LATE_NANOS && running.get()) {
            tickIfDue(now, false);
        }
    }

    private void tickLoop() {
        boolean clean = false;
        try {
            tickUntilQuiet();
            clean = true;
        } finally {
            if (!clean) {
                running.set(false); // died of an Error: the next worker start brings a new ticker
            }
        }
    }

    private void tickUntilQuiet() {
        for (;;) {
            long wait = nextTickNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
            reportChanges();
            if (pool.isTerminated() || pool.isQuiet()) {
                running.set(false);
                // a worker may have started between the look and the flag: then take the flag back
                if (pool.isTerminated() || pool.isQuiet() || !running.compareAndSet(false, true)) {
                    reportChanges();
                    return;
                }
            }
            tickIfDue(System.nanoTime(), true);
        }
    }

    /** Runs the tick unless another thread runs it or ran it since it was due. */
    private void tickIfDue(long now, boolean onTicker) {
        if (now - nextTickNanos < 0 || !ticking.compareAndSet(false, true)) {
            return;
        }
        try {
            if (now - nextTickNanos < 0) {
                return; // another thread ran it between the look and the flag
            }
            nextTickNanos = now + TICK_NANOS;
            if (tick(now) && config.listener() != null) {
                unreported.add(controller.stats());
            }
        } finally {
            ticking.set(false);
        }
        if (onTicker) {
            reportChanges();
        }
    }

    /** Tells the listener of the changes since it was last told, in order (ticker thread only). */
    private void reportChanges() {
        for (AdaptiveStats s; (s = unreported.poll()) != null; ) {
            if (config.listener() != null) {
                try {
                    config.listener().accept(s);
                } catch (RuntimeException e) {
                    // a listener's failure must not stop the sizing of the pool; it is the listener's to report
                }
            }
        }
    }

    /** One tick (under {@link #ticking}); true if the target changed. */
    private boolean tick(long now) {
        double contention = 1.0;
        if (!sampler.runQueueKnown()) {
            double load = OS.getSystemLoadAverage(); // negative where unavailable
            contention = load > 0 ? Math.max(1.0, load / cpus) : 1.0;
        }
        boolean changed;
        synchronized (controller) {
            changed = controller.onTick(pool.sample(now, contention));
        }
        pool.applyTarget(controller.target());
        return changed;
    }
}
