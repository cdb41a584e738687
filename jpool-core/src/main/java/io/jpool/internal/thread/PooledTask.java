package io.jpool.internal.thread;

import io.jpool.Task;
import io.jpool.TaskTimeoutException;
import io.jpool.internal.future.TaskFuture;
import io.jpool.internal.util.SharedTimer;
import io.jpool.internal.util.Spin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;

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
 * (someone else ended the task while it ran) meets the stop handshake, one CAS per arrow on
 * {@link #runner}, which then moves from the runner to a marker:
 * <pre>
 *   runner -> STOPPING     a canceller / the timer that ended the running task; it then interrupts
 *                          the runner's thread (waiting first for the runner to be written)
 *   STOPPING -> STOPPED    the canceller, once the interrupt is delivered
 *   runner -> FINISHED     the runner whose completion lost, when no stop is under way (a pool
 *                          broken under it ends it without one): it just leaves
 * </pre>
 * A runner that finds STOPPING or STOPPED waits for STOPPED and then clears its interrupt flag,
 * so the interrupt stays inside this task; a stop that comes after FINISHED interrupts nobody.
 *
 * <p>The task is 32 bytes, as small as the JDK's own: the pool lives in the future's outcome
 * field until the end ({@link #contextUntilEnd()}), the stop handshake in {@link #runner}, and
 * a time limit only in the subclass of timed tasks. The GC copies every waiting task of a long
 * queue, and a 32-byte task never straddles two cache lines. For the same reason a JDK
 * {@link Callable} or {@link Runnable} is held as it is, with no adapter object around it
 * ({@link #ofRunnable}): the doors of {@code ExecutorService} cost what {@code submit(Task)} does.
 */
class PooledTask<T> extends TaskFuture<T> implements Runnable {
    /** {@link #runner} markers of the stop handshake; see the class comment. */
    private static final Object FINISHED = new Object();
    private static final Object STOPPING = new Object();
    private static final Object STOPPED = new Object();

    private static final VarHandle RUNNER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RUNNER = l.findVarHandle(PooledTask.class, "runner", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What to run: a {@link Callable} (a {@link Task} is one), or a {@link Runnable} in {@link OfRunnable}. */
    private final Object task;
    /**
     * Who runs the task: the pool {@link ThreadPoolImpl.Worker} (whose thread it runs on), or the
     * {@link Thread} when no worker does ({@link #run()}); then a marker of the stop handshake, if
     * another thread ended the task while it ran. Written (release) by the winner of
     * {@code tryStart()} right after it won; a stopper that finds it still null waits for it.
     * Volatile for that wait; the runner never needs a fence for it. Then moved by CAS only, as
     * the class comment's table says, or cleared (opaque) by a runner whose own completion won.
     */
    private volatile Object runner;

    /**
     * A task of {@code pool}; {@code timeout} null for none. Only a task with a time limit carries
     * the field ({@link Timed}): most have none, and every byte of a task is copied by the GC
     * while it waits in a long queue.
     */
    static <T> PooledTask<T> of(ThreadPoolImpl pool, Callable<T> task, Duration timeout) {
        return timeout == null ? new PooledTask<>(pool, task) : new Timed<>(pool, task, timeout);
    }

    /** A task of {@code pool} that runs {@code task} and returns null; {@code timeout} null for none. */
    static PooledTask<Object> ofRunnable(ThreadPoolImpl pool, Runnable task, Duration timeout) {
        return timeout == null ? new OfRunnable(pool, task)
                : new Timed<>(pool, java.util.concurrent.Executors.callable(task), timeout); // rare: an adapter
    }

    /**
     * A task given to {@code execute}: nobody holds its future, so what it throws also goes to the
     * running thread's uncaught-exception handler, as a {@code ThreadPoolExecutor}'s does (without
     * the worker dying), and {@code shutdownNow} hands back the Runnable itself.
     */
    static PooledTask<Object> ofExecuted(ThreadPoolImpl pool, Runnable command, Duration timeout) {
        return timeout == null ? new Executed(pool, command) : new Timed<>(pool, new ExecutedCall(command), timeout);
    }

    PooledTask(ThreadPoolImpl pool, Callable<T> task) {
        super(pool);
        this.task = task;
    }

    /** For {@link OfRunnable}: {@code task} is a Runnable. */
    private PooledTask(ThreadPoolImpl pool, Runnable task) {
        super(pool);
        this.task = task;
    }

    /** Runs the task's code: {@link Callable#call}, overridden for a Runnable. */
    @SuppressWarnings("unchecked")
    T callTask() throws Exception {
        return ((Callable<T>) task).call();
    }

    /** A Runnable's task: no adapter, its result null. */
    private static final class OfRunnable extends PooledTask<Object> {
        OfRunnable(ThreadPoolImpl pool, Runnable task) {
            super(pool, task);
        }

        @Override
        Object callTask() {
            ((Runnable) task()).run();
            return null;
        }
    }

    /** An untimed {@code execute}d task: no adapter, as {@link OfRunnable}. */
    private static final class Executed extends PooledTask<Object> {
        Executed(ThreadPoolImpl pool, Runnable command) {
            super(pool, command);
        }

        @Override
        Object callTask() {
            ExecutedCall.runReporting((Runnable) task());
            return null;
        }

        @Override
        Runnable neverStarted() {
            return (Runnable) task();
        }
    }

    /**
     * What {@code shutdownNow} hands back for this task, which never started: the Runnable given
     * to {@code execute}, else a Runnable that runs the task's code and is also its (cancelled) future.
     */
    Runnable neverStarted() {
        return task instanceof ExecutedCall ? ((ExecutedCall) task).command : new NeverStartedTask<>(this);
    }

    /** The code this task runs, as submitted. */
    final Object task() {
        return task;
    }

    /** The pool, until the task ends (exact for the thread that ends it); null after. */
    private ThreadPoolImpl pool() {
        Object c = contextUntilEnd();
        return c instanceof ThreadPoolImpl ? (ThreadPoolImpl) c : null;
    }

    /** The task's time limit, or null for none. */
    Duration timeout() {
        return null;
    }

    /** A task with a time limit. */
    private static final class Timed<T> extends PooledTask<T> {
        private final Duration timeout;

        Timed(ThreadPoolImpl pool, Callable<T> task, Duration timeout) {
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
        ThreadPoolImpl pool = pool(); // before the start: it is exact while the task is pending
        if (start(null)) {
            if (pool != null) {
                pool.leftQueue();
            }
            runStarted(null);
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
            if (by.isStopping()) {
                // taken just before shutdownNow drained the queue, and not seen by it among the
                // running tasks: it has not run, so it never will
                cancelStarted();
            }
            runStarted(almostFree);
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
        ThreadPoolImpl pool = pool();
        if (status() == Status.PENDING && pool != null && (worker = pool.ownWorker()) != null && start(worker)) {
            worker.countStarted();
            runInline(worker);
        }
    }

    /**
     * Runs this task, never queued, in the worker that submitted it to a full bounded queue (the
     * pool counted it submitted and started, and took no room for it).
     */
    void runInSubmittingWorker(ThreadPoolImpl.Worker worker) {
        if (start(worker)) {
            runInline(worker);
        }
    }

    /** Runs this started task inside the task {@code worker} runs now, which it then resumes. */
    private void runInline(ThreadPoolImpl.Worker worker) {
        PooledTask<?> outer = worker.current;
        worker.current = this;
        try {
            runStarted(null);
        } finally {
            worker.current = outer;
        }
        if (outer != null && outer.isStopped()) {
            Thread.currentThread().interrupt(); // the outer task was stopped meanwhile: keep that
        }
    }

    private void runStarted(Runnable almostFree) {
        ScheduledFuture<?> timer = null;
        boolean endedHere = false;
        try {
            if (!isDone()) { // else cancelled or timed out between tryStart and here: do not run it
                Duration timeout = timeout();
                if (timeout != null) {
                    timer = SharedTimer.schedule(this::timedOut, timeout);
                }
                T value = callTask();
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
            if (endedHere) {
                RUNNER.setOpaque(this, null); // no stop can come: the task was not ended while it ran
            } else {
                awaitStop(); // ended by another thread while it ran: its interrupt stays in this task
            }
        }
    }

    /** True once a stop of this running task began (its runner is, or was, being interrupted). */
    private boolean isStopped() {
        Object r = runner;
        return r == STOPPING || r == STOPPED;
    }

    /**
     * The runner's side of a stop, once another thread ended this running task: leave at once if
     * no stop is under way (none will interrupt this thread then), else wait until the interrupt
     * is delivered and clear it.
     */
    private void awaitStop() {
        Object r = runner; // this thread's own write, or a stopper's marker
        if (r != STOPPING && r != STOPPED && RUNNER.compareAndSet(this, r, FINISHED)) {
            return;
        }
        while (runner == STOPPING) {
            Thread.onSpinWait();
        }
        Thread.interrupted(); // the interrupt was for this task only
    }

    private void timedOut() {
        failRunningAndStop(new TaskTimeoutException(io.jpool.internal.util.TaskNames.timedOut(task, timeout(),
                "its thread was interrupted (a thread pool cannot stop code that ignores interrupts: "
                + "use a ProcessPool for that)")));
    }

    /**
     * Interrupts the runner, once, while it is still inside this task. Called only by the thread
     * that ended the task while it was RUNNING, so the runner's completion has lost (or will) and
     * it waits here for STOPPED before leaving; the runner may not have written {@link #runner}
     * yet (it won {@code tryStart} a moment ago), so wait for that too.
     */
    @Override
    protected void stopRunning() {
        for (int i = 0;; i++) {
            Object r = runner;
            if (r == FINISHED || r == STOPPING || r == STOPPED) {
                return; // the runner left first (nobody to interrupt), or a stop is under way
            }
            if (r == null) {
                if ((i & 63) == 63) {
                    Thread.yield(); // the runner was preempted between tryStart and its write
                } else {
                    Thread.onSpinWait();
                }
            } else if (RUNNER.compareAndSet(this, r, STOPPING)) {
                threadOf(r).interrupt();
                RUNNER.setVolatile(this, STOPPED);
                return;
            }
        }
    }

    /**
     * Counts the end: in the worker's own slots when the task ends on its worker's thread (no
     * counter shared with another thread), else in the pool's shared counters.
     */
    @Override
    protected void onEnding(Status finalStatus, boolean wasRunning) {
        Object r = runner; // only its own thread can find itself here
        if (wasRunning && r instanceof ThreadPoolImpl.Worker && ((ThreadPoolImpl.Worker) r).thread == Thread.currentThread()) {
            ((ThreadPoolImpl.Worker) r).countEnded(finalStatus);
            return;
        }
        ThreadPoolImpl pool = pool(); // exact here: this thread ends the task, the outcome comes after
        if (pool == null) {
            return; // a bare task of a test
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
}
