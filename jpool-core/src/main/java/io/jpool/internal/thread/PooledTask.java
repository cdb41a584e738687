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
 * A task of a {@link ThreadPoolImpl}: its future and its runner in one object.
 *
 * <h2>Implementation overview</h2>
 * The future's state machine ({@link TaskFuture}) decides who runs the task: whoever wins
 * {@code tryStart()} (a worker that dequeued it, or a worker of the same pool that waits on it
 * and so runs it inline). A queue entry whose task was cancelled or run inline is skipped.
 *
 * <p>Stopping a running task interrupts its thread, and must never hit the next task that thread
 * runs. A task that ends by its own runner's hand (the common case) costs two CASes on the
 * future's state, start and completion, and nothing more. Only a runner whose completion CAS lost
 * (someone else ended the task while it ran) meets {@link #phase}, one CAS per arrow:
 * <pre>
 *   IDLE -> STOPPING       a canceller / the timer that ended the running task; it then interrupts
 *                          the runner (read from {@link #runner}, waiting for it to be written)
 *   STOPPING -> STOPPED    the canceller, once the interrupt is delivered
 *   IDLE -> FINISHED       the runner whose completion lost, when no stop is under way (a pool
 *                          broken under it ends it without one): it just leaves
 * </pre>
 * A runner that finds STOPPING or STOPPED waits for STOPPED and then clears its interrupt flag,
 * so the interrupt stays inside this task; a stop that comes after FINISHED interrupts nobody.
 */
class PooledTask<T> extends TaskFuture<T> implements Runnable {
    private static final int IDLE = 0;
    private static final int FINISHED = 1;
    private static final int STOPPING = 2;
    private static final int STOPPED = 3;

    private static final VarHandle PHASE;
    private static final VarHandle RUNNER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PHASE = l.findVarHandle(PooledTask.class, "phase", int.class);
            RUNNER = l.findVarHandle(PooledTask.class, "runner", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadPoolImpl pool;
    private final Task<T> task;
    /** Only for a task ended by another thread while it ran; see the class comment. */
    private volatile int phase;
    /**
     * Who runs the task: the pool {@link ThreadPoolImpl.Worker} (whose thread it runs on), or the
     * {@link Thread} when no worker does ({@link #run()}). Written (release) by the winner of
     * {@code tryStart()} right after it won; a stopper that finds it still null waits for it.
     * Volatile for that wait; the runner never needs a fence for it. One field for both, not two:
     * a task is copied by the GC while it waits in a long queue, and 40 bytes copy faster than 48.
     * A task that ends on its worker's own thread is counted in that worker's own counters.
     */
    private volatile Object runner;

    /**
     * A task of {@code pool}; {@code timeout} null for none. Only a task with a time limit carries
     * the field ({@link Timed}): most have none, and every byte of a task is copied by the GC
     * while it waits in a long queue.
     */
    static <T> PooledTask<T> of(ThreadPoolImpl pool, Task<T> task, Duration timeout) {
        return timeout == null ? new PooledTask<>(pool, task) : new Timed<>(pool, task, timeout);
    }

    PooledTask(ThreadPoolImpl pool, Task<T> task) {
        this.pool = pool;
        this.task = task;
    }

    /** The task's time limit, or null for none. */
    Duration timeout() {
        return null;
    }

    /** A task with a time limit. */
    private static final class Timed<T> extends PooledTask<T> {
        private final Duration timeout;

        Timed(ThreadPoolImpl pool, Task<T> task, Duration timeout) {
            super(pool, task);
            this.timeout = timeout;
        }

        @Override
        Duration timeout() {
            return timeout;
        }
    }

    /**
     * PENDING -> RUNNING for the calling thread, which then writes itself as the {@link #runner}
     * at once (no fence: a stopper that comes first waits for it).
     */
    private boolean start(ThreadPoolImpl.Worker by) {
        if (tryStart()) {
            RUNNER.setRelease(this, by != null ? by : Thread.currentThread());
            return true;
        }
        return false;
    }

    /** The thread of a {@link #runner} value. */
    private static Thread threadOf(Object runner) {
        return runner instanceof ThreadPoolImpl.Worker ? ((ThreadPoolImpl.Worker) runner).thread : (Thread) runner;
    }

    /** Runs the task if it is still pending (for shutdownNow's list; workers use {@link #runBy}). */
    @Override
    public void run() {
        if (start(null)) {
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
        if (start(by)) {
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
        if (status() == Status.PENDING && (worker = pool.ownWorker()) != null && start(worker)) {
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
        ScheduledFuture<?> timer = null;
        boolean endedHere = false;
        try {
            if (!isDone()) { // else cancelled or timed out between tryStart and here: do not run it
                Duration timeout = timeout();
                if (timeout != null) {
                    timer = TaskTimer.schedule(this::timedOut, timeout);
                }
                T value = task.call();
                if (almostFree != null) {
                    almostFree.run();
                }
                endedHere = complete(value);
            }
        } catch (Throwable t) {
            if (almostFree != null) {
                almostFree.run();
            }
            endedHere = fail(t);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            if (!endedHere) {
                awaitStop(); // ended by another thread while it ran: its interrupt stays in this task
            }
            RUNNER.setOpaque(this, null); // a stop comes only while RUNNING, which is over: no fence
        }
    }

    /**
     * The runner's side of a stop, once another thread ended this running task: leave at once if
     * no stop is under way (none will interrupt this thread then), else wait until the interrupt
     * is delivered and clear it.
     */
    private void awaitStop() {
        if (PHASE.compareAndSet(this, IDLE, FINISHED)) {
            return;
        }
        while (phase == STOPPING) {
            Thread.onSpinWait();
        }
        Thread.interrupted(); // the interrupt was for this task only
    }

    private void timedOut() {
        failRunningAndStop(new TaskTimeoutException("task " + task + " ran past its time limit of " + timeout()
                + "; its thread was interrupted (a thread pool cannot stop code that ignores interrupts: "
                + "use a ProcessPool for that)"));
    }

    /**
     * Interrupts the runner, once, while it is still inside this task. Called only by the thread
     * that ended the task while it was RUNNING, so the runner's completion has lost (or will) and
     * it waits here for STOPPED before leaving; the runner may not have written {@link #runner}
     * yet (it won {@code tryStart} a moment ago), so wait for that too.
     */
    @Override
    protected void stopRunning() {
        if (PHASE.compareAndSet(this, IDLE, STOPPING)) {
            Object r;
            for (int i = 0; (r = runner) == null; i++) {
                if ((i & 63) == 63) {
                    Thread.yield(); // the runner was preempted between tryStart and its write
                } else {
                    Thread.onSpinWait();
                }
            }
            threadOf(r).interrupt();
            PHASE.setVolatile(this, STOPPED);
        }
    }

    @Override
    protected void onEnding(Status finalStatus, boolean wasRunning) {
        Object r = runner; // only its own thread can find itself here
        if (wasRunning && r instanceof ThreadPoolImpl.Worker && ((ThreadPoolImpl.Worker) r).thread == Thread.currentThread()) {
            ((ThreadPoolImpl.Worker) r).countEnded(finalStatus);
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
