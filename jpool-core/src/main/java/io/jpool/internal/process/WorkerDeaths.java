package io.jpool.internal.process;

import io.jpool.BrokenPoolException;
import io.jpool.WorkerDiedException;
import io.jpool.internal.jfr.JfrEvents;
import io.jpool.internal.pool.MapChunk;
import io.jpool.internal.util.ProcessTree;

import java.util.ArrayList;
import java.util.List;

/**
 * What a process pool does when one of its workers' channels ends: it finds out why the worker
 * died, decides which of the tasks it held are to blame, and fails or re-queues them.
 *
 * <p>How it works: the worker's own {@link WorkerReader} runs {@link #handle} once it reads the
 * channel's end. Under the pool lock the worker is taken out of the idle ones and its tasks off
 * it; without the lock the handler waits for its exit code, closes its channel and reads what it
 * left: the mark of the task it started last ({@link StartedMarks}, written by the worker's
 * {@code StartedMark}) and the tail of its stderr ({@link DeathReport}). Then, under the lock
 * again, each task it held is judged: the one it ran when it died uses up an attempt and is
 * re-queued under {@code retries} (unless the pool killed the worker for it) or failed; the
 * others are innocent (they waited behind it in its window, their replies died held in the
 * worker, it was killed for another task, or their frame never reached it whole) and go back to
 * the front of the queue, in their order, at no cost. A broken pool fails what it would re-queue.
 * Each step after runs even when another throws: a worker left counted, or a task left RUNNING,
 * would hold {@code close()} for ever.
 */
final class WorkerDeaths {
    /** Failed sends of one task that cost it no attempt (beyond them, a worker's channel is suspect). */
    private static final int MAX_UNSENT = 3;

    private final ProcessPoolImpl pool;
    private final PoolState state;
    private final ProcessPoolConfig config;
    private final WorkerLauncher launcher;
    private final Retirement retirement;

    WorkerDeaths(ProcessPoolImpl pool, PoolState state, ProcessPoolConfig config, WorkerLauncher launcher,
            Retirement retirement) {
        this.pool = pool;
        this.state = state;
        this.config = config;
        this.launcher = launcher;
        this.retirement = retirement;
    }

    /**
     * The worker's channel ended: find out why, then fail or retry the tasks it held and replace
     * it. Tasks that waited in its window never started there (every result it wrote was read
     * before its channel ended, and it runs its tasks in order): they go back to the queue, in
     * their order, at no cost of an attempt.
     */
    void handle(WorkerLink w) {
        List<ProcessTask<?>> held;
        boolean wasRetiring;
        state.lock.lock();
        try {
            state.idle.remove(w);
            wasRetiring = w.state() == WorkerLink.State.RETIRING;
            w.become(WorkerLink.State.DEAD);
            held = new ArrayList<>(w.held);
            w.held.clear();
            w.heldBytes = 0;
        } finally {
            state.lock.unlock();
        }
        int exitCode = -1;
        long startedLast = 0;
        List<String> stderrTail = List.of();
        Throwable failure = null;
        try {
            exitCode = w.awaitExit();
            state.hook.at(LifecycleHook.Step.WORKER_EXITED, w);
            JfrEvents.workerDied(pool.poolName(), w.pid, exitCode, w.killReason);
            launcher.exited(w, exitCode); // before the pool can count the worker gone
            w.closeChannel();
            w.awaitSendEnd(); // a frame being written to it fails now; then sentWhole is final
            w.outbox.clear(); // frames not written yet go nowhere: their tasks are re-queued below
            startedLast = StartedMarks.takeLast(launcher.directory(), w.number); // final: it has exited
            stderrTail = w.stderr.lastLines(2000);
            w.stdout.awaitEnd(2000); // its last output is forwarded before its task's failure is reported
        } catch (Throwable e) {
            // whatever failed here (an Error in the archive's bookkeeping, say), the worker is
            // gone and is counted out below: left counted, it would hold close() for ever
            failure = e;
            ProcessTree.destroy(w.process);
            w.outbox.clear();
            try {
                w.closeChannel();
            } catch (Throwable again) {
                failure.addSuppressed(again);
            }
        }
        w.cancelDeadline();
        int code = exitCode;
        List<String> tail = stderrTail;
        List<Runnable> sends = List.of();
        List<ProcessTask<?>> toFail = new ArrayList<>();
        List<ProcessTask<?>> stranded = new ArrayList<>(); // would retry, but the pool broke
        BrokenPoolException brokenBy = null;
        try {
            state.lock.lock();
            try {
                state.links.remove(w);
                if (!wasRetiring) {
                    state.workerCount--;
                }
                long sentWhole = w.sentWhole;
                // the one it ran when it died: the first it held, or a later one if its mark says so
                int running = StartedMarks.running(held, startedLast);
                for (int i = held.size() - 1; i >= 0; i--) { // re-queued at the front, first held first
                    ProcessTask<?> t = held.get(i);
                    // it never started: it waited behind an unfinished task; or it ran to its end and
                    // its reply died held in the worker; or killed for another task (a late cancel of
                    // the task it ran before); or its frame never reached the worker whole: it did not
                    // end its worker, so that attempt does not count
                    boolean neverStarted = i > running && w.readToEnd;
                    boolean innocent = neverStarted || i < running
                            || (w.killedForTask > 0 && w.killedForTask != t.id)
                            || (t.sendNumber > sentWhole && ++t.unsent <= MAX_UNSENT);
                    if (innocent) {
                        t.attempts--;
                    }
                    if (t.isDone()) {
                        continue;
                    }
                    if (innocent || (w.killReason == null && t.attempts <= config.retries())) {
                        if (state.broken == null) {
                            t.link = null;
                            state.pending.addFirst(t);
                            if (neverStarted) {
                                state.unstartedRequeued++; // not a re-run: it had not run
                            } else {
                                state.tasksRetried++;
                                state.itemsRetried += t.task instanceof MapChunk ? ((MapChunk<?, ?>) t.task).size() : 1;
                            }
                            continue;
                        }
                        brokenBy = state.broken; // nothing will run it any more
                        stranded.add(0, t);
                        continue;
                    }
                    toFail.add(0, t);
                }
                sends = pool.dispatchLocked();
            } finally {
                state.lock.unlock();
            }
            state.hook.at(LifecycleHook.Step.WORKER_COUNTED_OUT, w);
        } catch (Throwable e) {
            failure = failure == null ? e : failure;
        } finally {
            // each step runs whatever the others do: a task left RUNNING, or a replacement
            // counted but never launched, would hold its caller and close() for ever
            List<Runnable> after = new ArrayList<>(sends);
            BrokenPoolException b = brokenBy;
            for (ProcessTask<?> t : stranded) {
                after.add(() -> t.fail(new BrokenPoolException(b.getMessage(), b.getCause())));
            }
            for (ProcessTask<?> t : toFail) {
                after.add(() -> t.fail(new WorkerDiedException("task #" + t.id + " failed: its "
                        + DeathReport.describe(w.pid, code, w.deathReason(), tail)
                        + (t.attempts > 1 ? " (after " + t.attempts + " attempts)" : ""))));
            }
            after.add(retirement::maybeTerminate);
            Steps.runEach(after, failure);
        }
    }
}
