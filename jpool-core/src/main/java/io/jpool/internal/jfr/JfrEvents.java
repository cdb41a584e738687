package io.jpool.internal.jfr;

import io.jpool.internal.util.TaskNames;

/**
 * The JDK Flight Recorder events of jpool (category "jpool"), one method per event.
 *
 * <h2>How it works</h2>
 * Each method makes its event and fills it only if {@code shouldCommit()} says a recording wants
 * it. Until a recording starts, the JDK leaves event classes uninstrumented, so
 * {@code shouldCommit()} is a constant false, the JIT drops the allocation, and a call costs
 * nothing; once one runs, it costs a flag check unless the event is enabled. The thread pool's
 * per-task questions do not wait for the JIT: they ask a shared instance and allocate nothing.
 */
public final class JfrEvents {
    private JfrEvents() {
    }

    public static void taskQueued(String pool, long taskId, Object task) {
        TaskQueued e = new TaskQueued();
        if (e.shouldCommit()) {
            e.pool = pool;
            e.taskId = taskId;
            e.task = TaskNames.describe(task);
            e.commit();
        }
    }

    public static void taskStarted(String pool, long taskId, long workerPid, long queueWaitNanos) {
        TaskStarted e = new TaskStarted();
        if (e.shouldCommit()) {
            e.pool = pool;
            e.taskId = taskId;
            e.workerPid = workerPid;
            e.queueWait = queueWaitNanos;
            e.commit();
        }
    }

    /**
     * @param queuedNanos {@code System.nanoTime()} at submit
     * @param startedNanos at start, or 0 if it never started
     */
    public static void taskEnded(String pool, long taskId, Object task, String outcome, long queuedNanos,
                                 long startedNanos) {
        TaskEnded e = new TaskEnded();
        if (e.shouldCommit()) {
            long now = System.nanoTime();
            e.pool = pool;
            e.taskId = taskId;
            e.task = TaskNames.describe(task);
            e.outcome = outcome;
            e.queueWait = startedNanos == 0 ? -1 : startedNanos - queuedNanos;
            e.runTime = startedNanos == 0 ? -1 : now - startedNanos;
            e.commit();
        }
    }

    public static void workerStarted(String pool, long workerPid, long startupNanos) {
        WorkerStarted e = new WorkerStarted();
        if (e.shouldCommit()) {
            e.pool = pool;
            e.workerPid = workerPid;
            e.startupTime = startupNanos;
            e.commit();
        }
    }

    public static void workerDied(String pool, long workerPid, int exitCode, String cause) {
        WorkerDied e = new WorkerDied();
        if (e.shouldCommit()) {
            e.pool = pool;
            e.workerPid = workerPid;
            e.exitCode = exitCode;
            e.cause = cause;
            e.commit();
        }
    }

    /** Whether a recording wants map progress (then a map tracks it even without a listener). */
    public static boolean mapProgressEnabled() {
        return new MapProgress().isEnabled();
    }

    public static void mapProgress(long done, long total) {
        MapProgress e = new MapProgress();
        if (e.shouldCommit()) {
            e.done = done;
            e.total = total;
            e.commit();
        }
    }

    /**
     * Asked, on every ThreadPool submit and task run, whether a recording wants
     * {@link ThreadTaskRun}. One shared instance, as {@code isEnabled()} reads only the event
     * class's own static state. A new event per question is dropped by the JIT's escape analysis
     * only once C2 has compiled the caller with it inlined; until then (long, on a loaded machine)
     * it would be two more objects a task, more than the task itself, and more young collections,
     * each copying every future still held.
     */
    private static final class ThreadTaskProbe {
        /** In a holder of its own: a process pool, which never asks, loads no ThreadTaskRun. */
        static final ThreadTaskRun INSTANCE = new ThreadTaskRun();
    }

    /** Whether a recording wants ThreadPool task events (then a submit notes when it queued a task). */
    public static boolean threadTaskEnabled() {
        return ThreadTaskProbe.INSTANCE.isEnabled();
    }

    /** The event of a ThreadPool task about to run, begun; null (and nothing allocated) unless a recording wants it. */
    public static ThreadTaskRun threadTaskBegin() {
        if (!ThreadTaskProbe.INSTANCE.isEnabled()) {
            return null;
        }
        ThreadTaskRun e = new ThreadTaskRun();
        e.begin();
        return e;
    }

    /**
     * Ends and commits {@code e}, from {@link #threadTaskBegin}.
     *
     * @param queueWaitNanos from submit to start, or -1 if unknown
     */
    public static void threadTaskEnd(ThreadTaskRun e, String pool, Object task, String outcome, long queueWaitNanos) {
        e.end();
        if (e.shouldCommit()) {
            e.pool = pool;
            e.task = TaskNames.describe(task);
            e.outcome = outcome;
            e.queueWait = queueWaitNanos;
            e.commit();
        }
    }
}
