package io.jpool.internal.process;

import io.jpool.TaskTimeoutException;
import io.jpool.internal.jfr.JfrEvents;
import io.jpool.internal.util.SharedTimer;
import io.jpool.internal.util.TaskNames;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * A process task's time limit.
 *
 * <p>How it works: the limit counts from when the task becomes the first task of its worker,
 * which runs it then (or once its frame arrives), so a task that waited in a worker's window
 * does not pay for the wait. At the deadline the shared timer's thread fails the future with
 * {@link TaskTimeoutException} at once, and the task's worker is killed (SIGKILL): a JVM thread
 * cannot be stopped, a process can. The timer is cancelled as the task ends
 * ({@code ProcessTask.onDone}).
 */
final class TaskClock {
    private final String poolName;

    TaskClock(String poolName) {
        this.poolName = poolName;
    }

    /**
     * {@code t} is now the first task of {@code w}: its time limit counts from here. Called with
     * the pool lock held.
     */
    void startLocked(ProcessTask<?> t, WorkerLink w) {
        ScheduledFuture<?> old = t.timer;
        if (old != null) {
            old.cancel(false); // a retried task's limit counts from its new start
        }
        if (t.timeoutNanos > 0) {
            t.timer = SharedTimer.schedule(() -> timeOut(t), t.timeoutNanos);
        }
        t.startedNanos = System.nanoTime();
        JfrEvents.taskStarted(poolName, t.id, w.pid, t.startedNanos - t.queuedNanos);
    }

    /**
     * {@code t} waits in a worker's window behind another task: a retried task's old limit must
     * not end it while it waits. Called with the pool lock held.
     */
    static void pauseLocked(ProcessTask<?> t) {
        if (t.timer != null) {
            t.timer.cancel(false);
            t.timer = null;
        }
    }

    private void timeOut(ProcessTask<?> t) {
        WorkerLink w = t.link;
        t.stopReason = "its task ran past its time limit of " + Duration.ofNanos(t.timeoutNanos);
        t.failRunningAndStop(new TaskTimeoutException(TaskNames.timedOut(t.task, Duration.ofNanos(t.timeoutNanos),
                "its worker" + (w == null ? "" : " (pid " + w.pid + ")") + " was killed")));
    }
}
