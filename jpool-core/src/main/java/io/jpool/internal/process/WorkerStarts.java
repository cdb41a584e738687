package io.jpool.internal.process;

import io.jpool.BrokenPoolException;
import io.jpool.WorkerDiedException;
import io.jpool.internal.jfr.JfrEvents;
import io.jpool.internal.util.ProcessTree;
import io.jpool.internal.util.ThreadFactories;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How a process pool's worker starts: from the decision to start it to its first task, or to its
 * failed start.
 *
 * <p>How it works: dispatch (or {@code prestart}) counts a worker in under the pool lock
 * ({@link #startWorkerLocked}) and, once the lock is released, {@link #launchThread} starts it on
 * a thread of its own, so workers start in parallel. That thread owns the worker's count until
 * its {@link WorkerReader} runs: {@link WorkerLauncher} returns the worker connected and
 * initialised, the reader starts, and {@link #workerReady} puts the worker to work; whatever
 * fails on the way, even an Error, the worker is either handed to a running reader or counted
 * out ({@link #startFailed}), where {@link StartFailures} decides whether it is replaced or the
 * pool breaks. A caller of {@code prestart()} is told how each of its workers' starts ended
 * ({@link #prestartEnded}).
 */
final class WorkerStarts {
    private final ProcessPoolImpl pool;
    private final PoolState state;
    private final ProcessPoolConfig config;
    /** Null unless adaptive. */
    private final ProcessSizer sizer;
    private final WorkerLauncher launcher;
    private final ResultDecoder decoder;
    private final Retirement retirement;

    WorkerStarts(ProcessPoolImpl pool, PoolState state, ProcessPoolConfig config, ProcessSizer sizer,
            WorkerLauncher launcher, ResultDecoder decoder, Retirement retirement) {
        this.pool = pool;
        this.state = state;
        this.config = config;
        this.sizer = sizer;
        this.launcher = launcher;
        this.decoder = decoder;
        this.retirement = retirement;
    }

    /**
     * Whether one more worker may start: below maxWorkers, or what an adaptive pool's sizer allows.
     * Called with the pool lock held.
     */
    boolean mayStartLocked() {
        return sizer == null ? state.workerCount < config.maxWorkers() : sizer.mayStart(state.workerCount);
    }

    /**
     * Counts in a worker about to start and returns its number; {@link #launchThread} starts it.
     * Called with the pool lock held.
     */
    long startWorkerLocked() {
        state.workerCount++;
        state.starting++;
        return ++state.workerNumbers;
    }

    /** Launches worker {@code number} on a thread of its own (after the lock is released). */
    void launchThread(long number) {
        if (sizer != null) {
            sizer.started(); // brings its ticker back if the pool was quiet
        }
        try {
            ThreadFactories.startDaemon(pool.poolName() + "-start-" + number, () -> launch(number));
        } catch (Throwable e) { // no thread to be had (out of native threads): a failed start
            startFailed(number, null, "could not start a thread to launch a worker: " + e, e, false, false);
        }
    }

    /**
     * Tells {@code prestart()}'s caller how worker {@code number}'s start ended: the pool's
     * BrokenPoolException if the failure broke it, else a WorkerDiedException (the pool starts
     * another worker when a task needs one).
     */
    private void prestartEnded(long number, String failure, Throwable cause) {
        CompletableFuture<Void> ready;
        BrokenPoolException b;
        state.lock.lock();
        try {
            ready = state.prestarting.remove(number);
            b = state.broken;
        } finally {
            state.lock.unlock();
        }
        if (ready == null) {
            return;
        }
        if (failure == null) {
            ready.complete(null);
        } else if (b != null) {
            ready.completeExceptionally(new BrokenPoolException(b.getMessage(), b.getCause()));
        } else {
            ready.completeExceptionally(new WorkerDiedException("a prestarted worker could not start (the pool"
                    + " starts another when a task needs one): " + failure, cause));
        }
    }

    /**
     * Starts worker {@code number} ({@link WorkerLauncher}), then its reader, then puts it to work.
     * This thread owns the worker's count until its reader runs: whatever it meets, even an
     * Error, it either hands the worker to a running reader or counts it out ({@link #startFailed}).
     */
    private void launch(long number) {
        WorkerLink w;
        try {
            w = launcher.launch(number, this::launched);
        } catch (WorkerLauncher.StartFailure e) {
            startFailed(number, e.link, e.getMessage(), e.getCause(), e.fatal, e.killed);
            return;
        }
        try {
            ThreadFactories.daemon(pool.poolName() + "-reader-" + number, new WorkerReader(pool, launcher, decoder, w))
                    .start();
        } catch (Throwable e) {
            startFailed(number, w, "could not start a worker's reader thread: " + e, e, false, false);
            return;
        }
        try {
            workerReady(w);
        } catch (Throwable e) {
            readyFailed(w, e);
            throw e;
        }
    }

    /**
     * A starting worker's process exists: it counts among the pool's workers (to kill, to list).
     * If the pool was shut down with nothing left to run, it is not needed: it gets the grace of
     * a worker told to exit, and is killed if still starting after it.
     */
    private void launched(WorkerLink w) {
        boolean unneeded;
        state.lock.lock();
        try {
            state.links.add(w);
            unneeded = retirement.unneededLocked(w);
        } finally {
            state.lock.unlock();
        }
        if (unneeded) {
            retirement.endUnneeded(w);
        }
        state.hook.at(LifecycleHook.Step.LAUNCHED, w);
    }

    /**
     * A worker failed to start: it is replaced, or the pool breaks, failing every task not yet
     * done ({@link StartFailures} says which), and {@code prestart()}'s caller is told before the
     * pool can terminate. Whatever fails on the way (an Error while killing it, say), it is
     * counted out: a start left counted would hold {@code close()} for ever.
     */
    private void startFailed(long number, WorkerLink w, String message, Throwable cause, boolean fatal,
            boolean killed) {
        Throwable failure = null;
        try {
            state.hook.at(LifecycleHook.Step.START_FAILED, w);
            if (w != null) {
                w.kill("it failed to start", 0);
                launcher.exited(w, w.awaitExit());
                w.closeChannel();
            }
            launcher.forget(number);
        } catch (Throwable e) {
            failure = e;
            if (w != null) {
                ProcessTree.destroy(w.process);
            }
        }
        if (w != null) {
            w.cancelDeadline();
        }
        List<ProcessTask<?>> toFail;
        BrokenPoolException e;
        List<Runnable> replace = List.of();
        state.lock.lock();
        try {
            state.workerCount--;
            state.starting--;
            if (w != null) {
                w.become(WorkerLink.State.DEAD);
                state.links.remove(w);
            }
            String breakWith = state.startFailures.failed(killed, fatal, message);
            if (state.shutdown && state.broken == null && state.noLivePendingLocked()) {
                e = null; // started for nothing while the pool closed
                toFail = List.of();
            } else if (breakWith == null && state.broken == null) {
                e = null; // replaced by the next dispatch
                toFail = List.of();
                replace = pool.dispatchLocked();
            } else {
                if (state.broken == null) {
                    state.broken = new BrokenPoolException(breakWith, cause);
                }
                e = state.broken;
                state.shutdown = true;
                toFail = new ArrayList<>(state.pending);
                state.pending.clear();
            }
        } finally {
            state.lock.unlock();
        }
        List<Runnable> after = new ArrayList<>(replace);
        for (ProcessTask<?> t : toFail) {
            after.add(() -> t.fail(e));
        }
        after.add(() -> prestartEnded(number, message, cause));
        after.add(retirement::retireIdle);
        after.add(retirement::maybeTerminate);
        Steps.runEach(after, failure);
    }

    private void workerReady(WorkerLink w) {
        state.hook.at(LifecycleHook.Step.WORKER_READY, w);
        JfrEvents.workerStarted(pool.poolName(), w.pid, System.nanoTime() - w.launchedNanos);
        List<Runnable> sends;
        boolean retire = false;
        boolean needed;
        state.lock.lock();
        try {
            w.readied = true;
            state.starting--;
            state.startFailures.started();
            // its reader may have handled its death already: then it stays DEAD, out of the idle ones
            if (w.state() != WorkerLink.State.DEAD) {
                w.become(WorkerLink.State.IDLE);
                state.idle.addFirst(w);
            }
            sends = pool.dispatchLocked();
            if (state.shutdown && state.noLivePendingLocked() && state.idle.remove(w)) {
                retire = true;
                retirement.retiringLocked(w);
            }
            // given its grace as unneeded, it is needed after all (a task came back for a retry)
            needed = w.unneeded && !retire;
        } finally {
            state.lock.unlock();
        }
        if (needed) {
            w.cancelDeadline();
        }
        prestartEnded(w.number, null, null); // before it may retire, and its end ends the pool
        sends.forEach(Runnable::run);
        if (retire) {
            retirement.retire(w);
        }
    }

    /**
     * Putting a connected worker to work failed (an Error on the way): its start is counted as
     * ended and it is killed; its reader, already running, handles its end as any death, so the
     * tasks it may hold go back to the queue and a replacement starts if one is needed.
     */
    private void readyFailed(WorkerLink w, Throwable e) {
        state.lock.lock();
        try {
            if (!w.readied) {
                w.readied = true;
                state.starting--;
            }
        } finally {
            state.lock.unlock();
        }
        prestartEnded(w.number, "the pool could not put it to work: " + e, e); // before its death can end the pool
        w.fault("the pool could not put it to work: " + e);
    }
}
