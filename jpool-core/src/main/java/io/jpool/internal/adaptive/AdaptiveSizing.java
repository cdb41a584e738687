package io.jpool.internal.adaptive;

import io.jpool.AdaptiveStats;
import io.jpool.internal.util.ThreadFactories;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
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
 */
public final class AdaptiveSizing {
    /** How often the controller looks at the pool. */
    public static final long TICK_NANOS = 100_000_000L;
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
            Thread t = ThreadFactories.daemon(threadName, this::tickLoop);
            try {
                t.start();
            } catch (RuntimeException | Error e) {
                running.set(false); // the next worker start tries again
                throw e;
            }
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
            LockSupport.parkNanos(this, TICK_NANOS);
            if (pool.isTerminated() || pool.isQuiet()) {
                running.set(false);
                // a worker may have started between the look and the flag: then take the flag back
                if (pool.isTerminated() || pool.isQuiet() || !running.compareAndSet(false, true)) {
                    return;
                }
            }
            tick();
        }
    }

    private void tick() {
        double contention = 1.0;
        if (!sampler.runQueueKnown()) {
            double load = OS.getSystemLoadAverage(); // negative where unavailable
            contention = load > 0 ? Math.max(1.0, load / cpus) : 1.0;
        }
        boolean changed;
        synchronized (controller) {
            changed = controller.onTick(pool.sample(System.nanoTime(), contention));
        }
        pool.applyTarget(controller.target());
        if (changed && config.listener() != null) {
            try {
                config.listener().accept(controller.stats());
            } catch (RuntimeException e) {
                // a listener's failure must not stop the sizing of the pool; it is the listener's to report
            }
        }
    }
}
