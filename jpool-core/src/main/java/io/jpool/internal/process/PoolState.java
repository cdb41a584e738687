package io.jpool.internal.process;

import io.jpool.BrokenPoolException;
import io.jpool.internal.pool.TaskCounters;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * What the parts of one process pool share: its lock, and what that lock guards.
 *
 * <p>How it works: one lock guards the queue, the workers and their states
 * ({@link WorkerLink.State}), each worker's tasks and the counts below. It is held only for
 * queue work: no I/O and no caller's callback run under it, and no thread starts (save the
 * shared timer's, once per JVM, when the first time limit is set). The scheduler
 * ({@link ProcessPoolImpl}), the start path ({@link WorkerStarts}), the death handler
 * ({@link WorkerDeaths}) and the end of workers and of the pool ({@link Retirement}) each take it
 * for their own short steps; a method named {@code ...Locked} is called with it held.
 */
final class PoolState {
    final ReentrantLock lock = new ReentrantLock();

    // ---- guarded by lock
    final ArrayDeque<ProcessTask<?>> pending = new ArrayDeque<>();
    /** The IDLE workers, the latest first. */
    final ArrayDeque<WorkerLink> idle = new ArrayDeque<>();
    /** Every worker from the start of its process until its death handler or failed start is done with it. */
    final Set<WorkerLink> links = new LinkedHashSet<>();
    int workerCount; // starting + alive, RETIRING ones left out: what maxWorkers bounds
    int starting;
    final StartFailures startFailures = new StartFailures();
    long tasksRetried;
    long itemsRetried;
    long unstartedRequeued;
    long workerNumbers;
    /** Workers started by {@code prestart()}, by number, until each is ready or failed. */
    final Map<Long, CompletableFuture<Void>> prestarting = new HashMap<>();
    boolean terminating;
    /**
     * Why the pool broke, or null. Written under lock; also read without it by rejectIfClosed's
     * early check in submit, a racy read that enqueue repeats under the lock.
     */
    BrokenPoolException broken;

    // ---- not guarded by lock
    /** Written under lock; volatile for isShutdown, rejectIfClosed and ended, which read it without. */
    volatile boolean shutdown;
    /** Where tests step into a worker's life ({@link LifecycleHook}); NONE in production. */
    volatile LifecycleHook hook = LifecycleHook.NONE;
    /** Thread-safe on its own. */
    final TaskCounters counters = new TaskCounters();

    /** Drops tasks cancelled while queued; true if no task waits to run. Called with the lock held. */
    boolean noLivePendingLocked() {
        pending.removeIf(ProcessTask::isDone);
        return pending.isEmpty();
    }

    /** {@code read} under the lock: the diagnostics tests read. */
    long underLock(LongSupplier read) {
        lock.lock();
        try {
            return read.getAsLong();
        } finally {
            lock.unlock();
        }
    }

    /** Each worker's number, pid, state, tasks held and liveness, and the pool's counts (for a test's failure message). */
    String describe() {
        lock.lock();
        try {
            StringBuilder b = new StringBuilder("workerCount=" + workerCount + " starting=" + starting + " pending="
                    + pending.size() + " idle=" + idle.size() + " shutdown=" + shutdown + " terminating=" + terminating);
            for (WorkerLink w : links) {
                b.append("; ").append(w).append(' ').append(w.state()).append(" held=").append(w.held.size())
                        .append(" alive=").append(w.process.isAlive()).append(" killReason=").append(w.killReason)
                        .append(" faultReason=").append(w.faultReason);
            }
            return b.toString();
        } finally {
            lock.unlock();
        }
    }
}
