package io.jpool.internal.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a process pool's workers end, and then the pool: workers told to exit (retired), workers
 * no longer needed while they start, and the pool's termination once nothing is left.
 *
 * <p>How it works: a worker to retire is first marked RETIRING under the pool lock
 * ({@link #retiringLocked}): it no longer counts against maxWorkers, but the pool waits for its
 * end. Then, with the lock released, it gets its deadline ({@link WorkerLink#endWithin}) and is
 * told to exit; a worker that cannot exit on its own (stopped, its EXIT lost) is killed (SIGKILL)
 * once its grace ({@link #EXIT_GRACE_MILLIS}) is over. A worker still starting when the pool is
 * shut down with nothing left to run gets the same grace ({@link #unneededLocked}). Once the pool
 * is shut down with no task and no worker left, it deletes its directory and terminates
 * ({@link #maybeTerminate}).
 */
final class Retirement {
    /**
     * How long a worker told to exit (or still starting when the pool, shut down, no longer needs
     * it) has before it is killed: an idle JVM exits in well under a second; one that cannot (it
     * was stopped, its initializer never returns) must not hold close() for ever.
     */
    static final long EXIT_GRACE_MILLIS = 10_000;

    private final PoolState state;
    private final WorkerLauncher launcher;
    /** Marks the pool terminated (and wakes those waiting for it). */
    private final Runnable terminate;
    /** How long a worker told to exit, or no longer needed while it starts, has before it is killed. */
    private volatile long exitGraceMillis = EXIT_GRACE_MILLIS;

    Retirement(PoolState state, WorkerLauncher launcher, Runnable terminate) {
        this.state = state;
        this.launcher = launcher;
        this.terminate = terminate;
    }

    /** Sets how long a worker told to exit has before it is killed (tests shorten it). */
    void exitGrace(Duration grace) {
        exitGraceMillis = grace.toMillis();
    }

    /**
     * The worker will exit: it no longer counts against maxWorkers, but the pool waits for its end.
     * Called with the pool lock held.
     */
    void retiringLocked(WorkerLink w) {
        w.become(WorkerLink.State.RETIRING);
        state.workerCount--;
    }

    /** Tells {@code w}, RETIRING, to exit, and kills it if it has not within its grace. */
    void retire(WorkerLink w) {
        retireAll(List.of(w));
    }

    /**
     * Tells each of {@code workers}, RETIRING, to exit. Each gets its deadline first
     * ({@link WorkerLink#endWithin}): a worker that cannot exit on its own (stopped, its EXIT
     * lost), or one left untold because telling another threw, is killed after its grace.
     */
    void retireAll(List<WorkerLink> workers) {
        for (WorkerLink w : workers) {
            w.endWithin(graceFor(w), "it was told to exit");
        }
        List<Runnable> tell = new ArrayList<>(workers.size());
        for (WorkerLink w : workers) {
            tell.add(() -> {
                state.hook.at(LifecycleHook.Step.RETIRING, w);
                w.retire();
            });
        }
        Steps.runEach(tell, null);
    }

    /**
     * How long {@code w} may take to end once told to: the pool's grace, and 20 s more for a
     * worker that writes a class-data archive or an AOT configuration as it exits (a dump of a
     * second or two on a quiet machine; see {@link WorkerLink#awaitExit}).
     */
    private long graceFor(WorkerLink w) {
        return exitGraceMillis + (w.cds.making() != null ? 20_000 : 0);
    }

    /** Tells idle workers to exit when nothing is left to do. */
    void retireIdle() {
        List<WorkerLink> toRetire = new ArrayList<>();
        state.lock.lock();
        try {
            if (state.shutdown && state.noLivePendingLocked()) {
                toRetire.addAll(state.idle);
                state.idle.clear();
                toRetire.forEach(this::retiringLocked);
            }
        } finally {
            state.lock.unlock();
        }
        retireAll(toRetire);
    }

    /** Gives {@code w}, still starting and no longer needed ({@link #unneededLocked}), its grace. */
    void endUnneeded(WorkerLink w) {
        w.endWithin(graceFor(w), "it was still starting when the pool, shut down, no longer needed it");
    }

    /**
     * True, once, if {@code w} is still starting while the pool is shut down with nothing left to
     * run: the caller then gives it its grace ({@link #endUnneeded}). Called with the pool lock held.
     */
    boolean unneededLocked(WorkerLink w) {
        if (w.unneeded || !state.shutdown || !state.noLivePendingLocked()) {
            return false;
        }
        WorkerLink.State s = w.state();
        if (s != WorkerLink.State.STARTING && s != WorkerLink.State.CONNECTING
                && s != WorkerLink.State.INITIALISING) {
            return false;
        }
        w.unneeded = true;
        return true;
    }

    /**
     * Terminates the pool once it is shut down with no task and no worker left. Until then, each
     * worker still starting while nothing is left to run gets the grace of a worker told to exit
     * (it is killed if still starting after it): a start that never ends (a worker stopped before
     * it connected, an initializer that never returns) must not hold close() for ever.
     */
    void maybeTerminate() {
        List<WorkerLink> unneeded = new ArrayList<>();
        boolean terminateNow = false;
        state.lock.lock();
        try {
            if (state.shutdown && !state.terminating) {
                if (state.workerCount == 0 && state.links.isEmpty() && state.noLivePendingLocked()) {
                    state.terminating = terminateNow = true;
                } else {
                    for (WorkerLink w : state.links) {
                        if (unneededLocked(w)) {
                            unneeded.add(w);
                        }
                    }
                }
            }
        } finally {
            state.lock.unlock();
        }
        for (WorkerLink w : unneeded) {
            endUnneeded(w);
        }
        if (terminateNow) {
            launcher.close();
            terminate.run();
        }
    }
}
