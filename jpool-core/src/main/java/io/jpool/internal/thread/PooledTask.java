package io.jpool.internal.thread;

import io.jpool.Task;
import io.jpool.TaskTimeoutException;
import io.jpool.internal.future.Spin;
import io.jpool.internal.future.TaskFuture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A task of a {@link ThreadPoolImpl}: its future, its queue entry and its runner in one object.
 *
 * <h2>Implementation overview</h2>
 * The future's state machine ({@link TaskFuture}) decides who runs the task: whoever wins
 * {@code tryStart()} (a worker that dequeued it, or a worker of the same pool that waits on it
 * and so runs it inline). A queue entry whose task was cancelled or run inline is skipped.
 *
 * <p>Stopping a running task interrupts its thread, and must never hit the next task that thread
 * runs. {@link #phase} arbitrates, one CAS per arrow:
 * <pre>
 *   IDLE -> RUNNING        the runner, before calling the task
 *   RUNNING -> FINISHED    the runner, after the task returned
 *   RUNNING -> STOPPING    a canceller / the timer, which then interrupts the runner
 *   STOPPING -> STOPPED    the canceller, once the interrupt is delivered
 * </pre>
 * A runner that loses the RUNNING -> FINISHED race waits out STOPPING and then clears the
 * interrupt flag, so the interrupt stays inside this task.
 */
final class PooledTask<T> extends TaskFuture<T> implements Runnable {
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int FINISHED = 2;
    private static final int STOPPING = 3;
    private static final int STOPPED = 4;

    private static final VarHandle PHASE;
    /** {@link #next}, for {@link TaskQueue}. */
    static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PHASE = l.findVarHandle(PooledTask.class, "phase", int.class);
            NEXT = l.findVarHandle(PooledTask.class, "next", PooledTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadPoolImpl pool;
    private final Task<T> task;
    private final Duration timeout; // null: none
    private volatile int phase;
    /**
     * The thread running the task. Plain: written before the volatile write of RUNNING and read
     * only by whoever then wins the CAS from RUNNING, so that CAS orders the two.
     */
    private Thread runner;
    /**
     * The pool worker running the task, or null; plain, like {@link #runner}. A task that ends
     * on its worker's own thread is counted in that worker's own counters (no shared write).
     */
    private ThreadPoolImpl.Worker worker;
    /** The next task in the {@link TaskQueue}, or this task once it left the queue. */
    volatile PooledTask<?> next;

    /** The queue's first head: a task that never runs. */
    static PooledTask<?> sentinel() {
        return new PooledTask<>(null, null, null);
    }

    PooledTask(ThreadPoolImpl pool, Task<T> task, Duration timeout) {
        this.pool = pool;
        this.task = task;
        this.timeout = timeout;
    }

    /** Runs the task if it is still pending (for shutdownNow's list; workers use {@link #runBy}). */
    @Override
    public void run() {
        if (tryStart()) {
            pool.leftQueue();
            runStarted(null, null);
        }
    }

    /**
     * Runs the task if it is still pending, for the worker {@code by} that dequeued it;
     * {@code started} runs once it has started, {@code almostFree} just before the future
     * completes, so a submit that follows at once reuses this worker.
     */
    void runBy(ThreadPoolImpl.Worker by, Runnable started, Runnable almostFree) {
        if (tryStart()) {
            started.run();
            by.countStarted();
            runStarted(by, almostFree);
        }
    }

    /**
     * A caller's wait polls this long before it parks: a worker that is awake (or spinning for
     * work) often finishes a short task within it, and the caller then saves its own wake-up.
     * None on one CPU, where it would only delay the worker.
     */
    private static final long SPIN_NANOS = Spin.nanos(20_000L);

    @Override
    protected long spinNanosBeforePark() {
        return SPIN_NANOS;
    }

    /** Work helping: a worker of this pool about to block on this pending task runs it inline. */
    @Override
    protected void helpBeforeWait() {
        ThreadPoolImpl.Worker worker;
        if (status() == Status.PENDING && (worker = pool.ownWorker()) != null && tryStart()) {
            worker.countStarted();
            PooledTask<?> outer = worker.current;
            worker.current = this;
            try {
                runStarted(worker, null);
            } finally {
                worker.current = outer;
            }
            if (outer != null && outer.phase >= STOPPING) {
                Thread.currentThread().interrupt(); // the outer task was stopped meanwhile: keep that
            }
        }
    }

    private void runStarted(ThreadPoolImpl.Worker by, Runnable almostFree) {
        Thread me = Thread.currentThread();
        runner = me;
        worker = by;
        PHASE.setVolatile(this, RUNNING);
        ScheduledFuture<?> timer = null;
        try {
            if (isDone()) {
                return; // cancelled or timed out between tryStart and here: do not run it
            }
            if (timeout != null) {
                timer = TaskTimer.schedule(this::timedOut, timeout);
            }
            T value = task.call();
            if (almostFree != null) {
                almostFree.run();
            }
            complete(value);
        } catch (Throwable t) {
            if (almostFree != null) {
                almostFree.run();
            }
            fail(t);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            if (!PHASE.compareAndSet(this, RUNNING, FINISHED)) {
                while (phase == STOPPING) {
                    Thread.onSpinWait();
                }
                Thread.interrupted(); // the interrupt was for this task only
            }
            runner = null;
        }
    }

    private void timedOut() {
        failRunningAndStop(new TaskTimeoutException("task " + task + " ran past its time limit of " + timeout
                + "; its thread was interrupted (a thread pool cannot stop code that ignores interrupts: "
                + "use a ProcessPool for that)"));
    }

    /** Interrupts the runner, once, while it is still inside this task. */
    @Override
    protected void stopRunning() {
        if (PHASE.compareAndSet(this, RUNNING, STOPPING)) {
            Thread t = runner;
            if (t != null) {
                t.interrupt();
            }
            PHASE.setVolatile(this, STOPPED);
        }
    }

    @Override
    protected void onEnding(Status finalStatus, boolean wasRunning) {
        ThreadPoolImpl.Worker w = worker; // only its own thread can find itself here
        if (wasRunning && w != null && w.thread == Thread.currentThread()) {
            w.countEnded(finalStatus);
            return;
        }
        if (!wasRunning) {
            pool.leftQueue(); // cancelled or failed while still queued
        }
        pool.counters().ended(finalStatus);
    }

    @Override
    public String toString() {
        return "PooledTask[" + status() + ", " + task + "]";
    }

    /** The one timer thread that enforces every thread-pool task's time limit. */
    static final class TaskTimer {
        private static final java.util.concurrent.ScheduledThreadPoolExecutor TIMER = create();

        private static java.util.concurrent.ScheduledThreadPoolExecutor create() {
            java.util.concurrent.ScheduledThreadPoolExecutor t = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "jpool-task-timer");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            return t;
        }

        static ScheduledFuture<?> schedule(Runnable action, Duration after) {
            long nanos;
            try {
                nanos = after.toNanos();
            } catch (ArithmeticException huge) {
                nanos = Long.MAX_VALUE / 2;
            }
            return TIMER.schedule(action, nanos, TimeUnit.NANOSECONDS);
        }

        private TaskTimer() {
        }
    }
}
