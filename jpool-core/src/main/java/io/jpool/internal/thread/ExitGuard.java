package io.jpool.internal.thread;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Keeps the JVM alive while a thread pool has work, and only then (Python's exit behaviour: an
 * unclosed pool lets the program end once the work submitted to it is done).
 *
 * <h2>How it works</h2>
 * The pool's workers are daemon threads, so they never hold the JVM by themselves. This guard is
 * one non-daemon thread that exists only while the pool may have work: a submit that finds no
 * guard running starts one ({@link #workQueued}, one volatile read on the hot path), and the guard
 * looks every {@value #CHECK_MILLIS} ms whether the pool is quiet (no task queued, no worker
 * awake). Quiet at two looks in a row, it clears {@link #running}, looks once more and exits if
 * the pool is still quiet. A submit queues its task and then reads {@code running}; the guard
 * clears {@code running} and then reads the queue: one of the two sees the other, so a task is
 * never queued with no guard to wait for it (then the guard claims {@code running} back, or the
 * submit starts a new guard).
 */
final class ExitGuard {
    /** How often a running guard looks at the pool; also about how late the JVM exits after the work. */
    static final long CHECK_MILLIS = 20;

    private final String name;
    private final BooleanSupplier quiet;
    /**
     * True while a guard thread runs or is about to. Set by CAS by a submit that finds it clear
     * (which then starts the guard); cleared by the guard as it lets go, which may claim it back
     * by CAS; cleared by the submit whose guard thread could not start.
     */
    private final AtomicBoolean running = new AtomicBoolean();

    /** A guard thread named {@code name}; {@code quiet} is true when the pool has no task queued or running. */
    ExitGuard(String name, BooleanSupplier quiet) {
        this.name = name;
        this.quiet = quiet;
    }

    /** A task was queued: makes sure a guard runs until the pool is quiet again. */
    void workQueued() {
        if (claimForQueuedWork()) {
            start();
        }
    }

    /** The submit's side of the handshake: true if no guard runs and this caller must start one. */
    boolean claimForQueuedWork() {
        return !running.get() && running.compareAndSet(false, true);
    }

    /**
     * The guard's side, once it found the pool quiet: lets go of {@link #running}, then looks again.
     * True if the guard exits: the pool is still quiet, or a submit claimed {@code running} meanwhile
     * (and starts a new guard). False if work came and this guard goes on.
     */
    boolean releaseUnlessWorkCame() {
        running.set(false);
        return quiet.getAsBoolean() || !running.compareAndSet(false, true);
    }

    /** For tests of the handshake: as if a guard thread ran. */
    void markRunning() {
        running.set(true);
    }

    /** True while a guard thread runs (or is about to). */
    boolean isRunning() {
        return running.get();
    }

    private void start() {
        try {
            Thread t = new Thread(this::guard, name);
            t.setDaemon(false);
            t.start();
        } catch (RuntimeException | Error e) {
            // no thread to start (out of memory, say): the task is queued and will run all the
            // same; only the JVM might not wait for it. The next submit tries again.
            running.set(false);
        }
    }

    private void guard() {
        for (int quietLooks = 0;;) {
            LockSupport.parkNanos(this, CHECK_MILLIS * 1_000_000L);
            if (!quiet.getAsBoolean()) {
                quietLooks = 0;
                continue;
            }
            if (++quietLooks < 2) {
                continue; // a pool between two tasks of a sequence: do not exit and restart each time
            }
            if (releaseUnlessWorkCame()) {
                return;
            }
            quietLooks = 0;
        }
    }
}
