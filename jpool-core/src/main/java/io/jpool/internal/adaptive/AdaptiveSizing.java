package io.jpool.internal.adaptive;

import io.jpool.AdaptiveStats;
import io.jpool.internal.util.ThreadFactories;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * {@link #LATE_NANOS} overdue itself. A tick claims its turn by moving {@link #nextTickNanos}
 * on, works on a {@link AdaptiveController#copy()} and publishes it only if the controller is
 * still the one it copied: no lock, because a thread holding one can be preempted for as long as
 * the ticker waited (hundreds of milliseconds) and stop every other tick. A thread that stalls
 * mid-tick leaves its tick overdue again, another claims it, and the stalled one's copy is
 * dropped. The listener is still called on the ticker thread: a worker's tick queues its change.
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
    /** The controller of the last tick published; each tick replaces it with its own copy. */
    private final AtomicReference<AdaptiveController> controller;
    private final TaskSampler sampler = new TaskSampler();
    private final AtomicBoolean running = new AtomicBoolean();
    /** When the next tick is due ({@link System#nanoTime()}); a tick claims its turn by moving it on. */
    private final AtomicLong nextTickNanos = new AtomicLong(System.nanoTime() + TICK_NANOS);
    /** Changes made by workers' ticks, for the ticker thread to give the listener. */
    private final Queue<AdaptiveStats> unreported = new ConcurrentLinkedQueue<>();
    private final String threadName;
    private final int cpus = Runtime.getRuntime().availableProcessors();
    private Pool pool;

    public AdaptiveSizing(AdaptiveConfig config, String threadName) {
        this.config = config;
        this.controller = new AtomicReference<>(
                new AdaptiveController(AdaptiveController.Settings.of(config.min(), config.max(), cpus)));
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
        return controller.get().target();
    }

    public AdaptiveStats stats() {
        return controller.get().stats();
    }

    /** Starts the ticker thread unless it runs. */
    public void ensureRunning() {
        if (!running.get() && running.compareAndSet(false, true)) {
            nextTickNanos.set(System.nanoTime() + TICK_NANOS);
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
     * {@link #LATE_NANOS} late with it, or starts a new ticker if the last one died. Costs a clock
     * read and a volatile read otherwise.
     */
    public void onSampledTask() {
        long now = System.nanoTime();
        if (now - nextTickNanos.get() >= LATE_NANOS) {
            try {
                if (running.get()) {
                    tickIfDue(now, false);
                } else {
                    // the sizing thread died of an Error: a worker start would bring another, but a
                    // pool at its target starts none, and would keep its size for good
                    ensureRunning();
                }
            } catch (RuntimeException | Error e) {
                // not the worker's to die of: its copy is dropped, and the sizing thread's own tick,
                // which meets the same failure, ends that thread through its uncaught-exception
                // handler; a thread that cannot start now is tried again at a later task
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
                // died of an Error: the next worker start, or a worker's late tick, brings a new ticker
                running.set(false);
            }
        }
    }

    private void tickUntilQuiet() {
        for (;;) {
            long wait = nextTickNanos.get() - System.nanoTime();
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

    /**
     * Runs the tick if it is due and no other thread claimed it first; publishes it unless another
     * tick was published since this one copied the controller (this thread stalled mid-way).
     */
    private void tickIfDue(long now, boolean onTicker) {
        // read before the claim: a tick published after it fails the publish below; one published
        // before it moved the due time past its own sample's, so this sample comes later (clock order)
        AdaptiveController before = controller.get();
        long due = nextTickNanos.get();
        if (now - due >= 0 && nextTickNanos.compareAndSet(due, now + TICK_NANOS)) {
            AdaptiveController next = before.copy();
            boolean changed = next.onTick(pool.sample(now, contention()));
            if (controller.compareAndSet(before, next)) {
                pool.applyTarget(controller.get().target()); // the latest, should another tick publish meanwhile
                if (changed && config.listener() != null) {
                    unreported.add(next.stats());
                }
            }
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
                } catch (Throwable t) {
                    // a listener's failure, an Error too (an assert), must not stop the sizing of the
                    // pool: this thread would die, and none restarts while the pool keeps its size.
                    // It is the listener's to report
                }
            }
        }
    }

    /** How much slower than alone a CPU-bound thread runs now, where the run-queue wait is unknown. */
    private double contention() {
        if (sampler.runQueueKnown()) {
            return 1.0;
        }
        double load = OS.getSystemLoadAverage(); // negative where unavailable
        return load > 0 ? Math.max(1.0, load / cpus) : 1.0;
    }
}
