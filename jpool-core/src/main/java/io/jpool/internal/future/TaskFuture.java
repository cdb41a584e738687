package io.jpool.internal.future;

import io.jpool.PoolFuture;
import io.jpool.internal.util.Durations;
import io.jpool.internal.util.SharedTimer;
import io.jpool.internal.util.Spin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The one {@link PoolFuture} implementation; pools subclass it to say how a running task is
 * stopped ({@link #stopRunning()}), how a waiting worker helps ({@link #helpBeforeWait()}),
 * what to count as it ends ({@link #onEnding}) and what to release once it has ended
 * ({@link #onDone}).
 *
 * <h2>Implementation overview</h2>
 * The state lives in one int, {@link #state}, and every transition is one CAS:
 * <pre>
 *   PENDING -> RUNNING                    tryStart()            (the pool starts the task)
 *   PENDING -> CANCELLED                  cancel(..)            (never ran, never will)
 *   RUNNING -> COMPLETING -> SUCCESS      complete(value)
 *   RUNNING -> COMPLETING -> FAILED       fail(error)           (thrown, timed out, worker died)
 *   PENDING -> COMPLETING -> FAILED       fail(error)           (pool broken before it started)
 *   RUNNING -> COMPLETING -> CANCELLED    cancel(true), shutdownNow, then stopRunning()
 *   RUNNING -> COMPLETING -> CANCELLED    cancelStarted()       (started as the pool stopped; never ran)
 * </pre>
 * COMPLETING is the short window in which the winner of the CAS writes {@link #outcome}; the
 * release store of the final state publishes it (as in {@code FutureTask}). The first CAS out
 * of PENDING or RUNNING wins; every later attempt (a task finishing after it was cancelled, a
 * timeout racing a result) loses and changes nothing, so a future ends exactly once.
 *
 * <p>Waiting threads and done-callbacks share one Treiber stack, {@link #listeners}. When the
 * future ends, a stack that is not empty is swapped for the {@link #DONE} marker, reversed into
 * registration order, and walked: waiters are unparked, callbacks run (on the shared timer's
 * thread, which ends timed-out tasks, they are handed to a thread of their own instead). An empty stack costs the
 * ending thread one read, no atomic swap: the CAS to COMPLETING already ordered it against every
 * push, and a waiter that pushes after that CAS sees the end begun and never parks. A callback
 * pushed in that window is claimed (a CAS on its node) by its adder or the ending thread,
 * whichever comes first. A callback added once the state is final is not pushed: it runs at
 * once in its caller's thread. A waiter
 * that times out or is interrupted only clears its node's thread; the node is dropped when the
 * future ends (so many timed-out waits on one long-running future keep their nodes until then).
 */
public class TaskFuture<T> implements PoolFuture<T> {
    private static final System.Logger LOG = System.getLogger("io.jpool");

    static final int PENDING = 0;
    static final int RUNNING = 1;
    static final int COMPLETING = 2;
    static final int SUCCESS = 3;
    static final int FAILED = 4;
    static final int CANCELLED = 5;

    /**
     * See the transitions in the class comment: every change is a CAS, except the final state,
     * which the thread that won the CAS to COMPLETING writes with a release store.
     */
    private volatile int state;
    /**
     * The value (SUCCESS), the Throwable (FAILED) or null; published by the write of state.
     * Before the end, the context a subclass gave the constructor ({@link #contextUntilEnd()}):
     * one field for both keeps a thread-pool task at 32 bytes. Written by the constructor, then
     * once by the thread that won the CAS to COMPLETING.
     */
    private Object outcome;
    /**
     * Waiters and callbacks in reverse registration order, or {@link #DONE}: pushed by CAS by
     * waiters and callback adders, swapped for DONE once by the ending thread.
     */
    private volatile Node listeners;

    private static final Node DONE = new Node(null);
    private static final VarHandle STATE;
    private static final VarHandle LISTENERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(TaskFuture.class, "state", int.class);
            LISTENERS = l.findVarHandle(TaskFuture.class, "listeners", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A waiting thread (item is a Thread, cleared when it gives up) or a callback. */
    private static final class Node {
        /** Cleared by the waiter that gives up, or by the {@link #claim} of the callback's runner. */
        volatile Object item;
        /** Written by the pusher before its CAS; then by the ending thread, which owns the stack it swapped out. */
        Node next;

        Node(Object item) {
            this.item = item;
        }

        /** Takes the callback for running; true for one caller only. */
        boolean claim() {
            Object it = item;
            return it != null && ITEM.compareAndSet(this, it, null);
        }

        private static final VarHandle ITEM;

        static {
            try {
                ITEM = MethodHandles.lookup().findVarHandle(Node.class, "item", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** A future with no context. */
    public TaskFuture() {
    }

    /**
     * A future that keeps {@code context} (say, its pool) until it ends, in the field that then
     * takes its outcome; see {@link #contextUntilEnd()}.
     */
    protected TaskFuture(Object context) {
        this.outcome = context;
    }

    /**
     * The context given to the constructor, read without synchronization: exact for the thread
     * that ends the future (in {@link #onEnding}, which runs before the outcome replaces it) and
     * while the future is PENDING or RUNNING; once it has ended, it is the outcome instead, so a
     * caller racing the end checks what it got.
     */
    protected final Object contextUntilEnd() {
        return outcome;
    }

    // ---------------------------------------------------------------- transitions, for pools

    /** PENDING -> RUNNING. False if the future was cancelled or failed before it could start. */
    public final boolean tryStart() {
        return STATE.compareAndSet(this, PENDING, RUNNING);
    }

    /** RUNNING -> SUCCESS. False (and nothing changes) if the future already ended. */
    public final boolean complete(T value) {
        if (STATE.compareAndSet(this, RUNNING, COMPLETING)) {
            finish(value, SUCCESS);
            return true;
        }
        return false;
    }

    /** PENDING or RUNNING -> FAILED with {@code error}. False if the future already ended. */
    public final boolean fail(Throwable error) {
        if (error == null) {
            throw new NullPointerException("error");
        }
        for (int s; (s = state) == PENDING || s == RUNNING; ) {
            if (STATE.compareAndSet(this, s, COMPLETING)) {
                finish(error, FAILED, s == RUNNING);
                return true;
            }
        }
        return false;
    }

    /** PENDING -> FAILED with {@code error}. False if the task started or ended first. */
    public final boolean failIfPending(Throwable error) {
        if (STATE.compareAndSet(this, PENDING, COMPLETING)) {
            finish(error, FAILED, false);
            return true;
        }
        return false;
    }

    /**
     * RUNNING -> CANCELLED for a task whose body has not run yet (its pool stopped as it
     * started), with no {@link #stopRunning()}: nothing runs to be stopped. False if it ended first.
     */
    public final boolean cancelStarted() {
        if (STATE.compareAndSet(this, RUNNING, COMPLETING)) {
            finish(null, CANCELLED, true);
            return true;
        }
        return false;
    }

    /**
     * RUNNING -> FAILED with {@code error}, then {@link #stopRunning()}: for a task past its time
     * limit. False if the task was not running (it ended first, or never started).
     */
    public final boolean failRunningAndStop(Throwable error) {
        if (STATE.compareAndSet(this, RUNNING, COMPLETING)) {
            finish(error, FAILED);
            stopRunning();
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- hooks

    /**
     * Stops the task's execution after the future was ended while RUNNING (cancel(true), a
     * timeout, shutdownNow): interrupt its thread, kill its worker. Called once, after the
     * future is already done.
     */
    protected void stopRunning() {
    }

    /**
     * Called before a thread blocks in {@code get}/{@code exception} on a future that is not
     * done: a pool worker may run a PENDING task inline here (work helping).
     */
    protected void helpBeforeWait() {
    }

    /**
     * How long a thread about to block on this future first polls it instead (0: park at once).
     * A future completed by another process's answer says so: its result often comes soon, and
     * a waiter that is still awake saves the wake-up of a parked thread, which on a VM can cost
     * as much as the rest of the round trip.
     */
    protected long spinNanosBeforePark() {
        return 0L;
    }

    /**
     * Called once as the future ends, by the thread that ends it, with the state it ends in, just
     * before anyone can see it done (and while {@link #contextUntilEnd()} is still the context):
     * pools count it here, so that whoever sees a future done (a caller whose {@code get}
     * returned) finds it in the pool's stats.
     *
     * @param wasRunning whether the task had started
     */
    protected void onEnding(Status finalStatus, boolean wasRunning) {
    }

    /**
     * Called once when the future has ended, by the thread that ended it, after its final state
     * is published and before waiters wake and callbacks run: for what a pool does once a task
     * is over (a process task cancels its timer, and its pool may terminate). Counting
     * belongs in {@link #onEnding}, which comes before anyone can see the future done.
     *
     * @param wasRunning whether the task had started
     */
    protected void onDone(Status finalStatus, boolean wasRunning) {
    }

    /**
     * Work helping for waits that do not block in {@code get} (asCompleted, waitFor, an unordered
     * map): if this future is still PENDING and the calling thread may run it (a worker of its own
     * pool), runs it inline now; otherwise does nothing.
     */
    public final void helpIfPending() {
        if (state == PENDING) {
            helpBeforeWait();
        }
    }

    // ---------------------------------------------------------------- PoolFuture

    @Override
    public final Status status() {
        return statusOf(state);
    }

    private static Status statusOf(int s) {
        switch (s) {
            case PENDING: return Status.PENDING;
            case RUNNING:
            case COMPLETING: return Status.RUNNING;
            case SUCCESS: return Status.SUCCESS;
            case FAILED: return Status.FAILED;
            default: return Status.CANCELLED;
        }
    }

    @Override
    public final boolean cancel() {
        return cancel(false);
    }

    @Override
    public final boolean cancel(boolean mayInterruptIfRunning) {
        for (;;) {
            int s = state;
            if (s == CANCELLED) {
                return true;
            }
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, COMPLETING)) {
                    finish(null, CANCELLED, false);
                    return true;
                }
            } else if (s == RUNNING && mayInterruptIfRunning) {
                if (STATE.compareAndSet(this, RUNNING, COMPLETING)) {
                    finish(null, CANCELLED, true);
                    stopRunning();
                    return true;
                }
            } else {
                return false;
            }
        }
    }

    @Override
    public final boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public final boolean isDone() {
        return state > COMPLETING;
    }

    @Override
    public final boolean isRunning() {
        int s = state;
        return s == RUNNING || s == COMPLETING;
    }

    @Override
    public final T get() throws InterruptedException, ExecutionException {
        int s = state;
        if (s <= COMPLETING) {
            s = awaitDone(false, 0L);
        }
        return report(s);
    }

    @Override
    public final T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        int s = state;
        if (s <= COMPLETING && (s = awaitDone(true, unit.toNanos(timeout))) <= COMPLETING) {
            throw new TimeoutException("task not done within " + timeout + " " + unit.toString().toLowerCase()
                    + " (status " + status() + "); the task goes on");
        }
        return report(s);
    }

    @Override
    @SuppressWarnings("unchecked")
    public final T resultNow() {
        int s = state;
        if (s == SUCCESS) {
            return (T) outcome;
        }
        throw new IllegalStateException(s <= COMPLETING ? "task has not completed (status " + status() + ")"
                : s == FAILED ? "task failed: " + outcome : "task was cancelled");
    }

    @Override
    public final Throwable exceptionNow() {
        int s = state;
        if (s == FAILED) {
            return (Throwable) outcome;
        }
        throw new IllegalStateException(s <= COMPLETING ? "task has not completed (status " + status() + ")"
                : s == SUCCESS ? "task completed with a result" : "task was cancelled");
    }

    @Override
    public final Throwable exception(Duration timeout) throws TimeoutException, InterruptedException {
        int s = state;
        if (s <= COMPLETING) {
            s = timeout == null ? awaitDone(false, 0L) : awaitDone(true, Durations.toNanos(timeout));
            if (s <= COMPLETING) {
                throw new TimeoutException("task not done within " + timeout + " (status " + status() + ")");
            }
        }
        if (s == CANCELLED) {
            throw new CancellationException("task was cancelled");
        }
        return s == FAILED ? (Throwable) outcome : null;
    }

    @Override
    public final PoolFuture<T> addDoneCallback(Consumer<? super PoolFuture<T>> callback) {
        if (callback == null) {
            throw new NullPointerException("callback is null");
        }
        Node node = new Node(callback);
        // A done future runs the callback at once, here, even if the completing thread has not yet
        // looked at the stack: the state is published first, and a caller that saw the future done
        // (get() returned) must not have its callback deferred to that thread.
        for (Node h; state <= COMPLETING && (h = listeners) != DONE; ) {
            node.next = h;
            if (LISTENERS.compareAndSet(this, h, node)) {
                if (state >= COMPLETING) {
                    // Pushed once the end had begun: the completing thread may have read the stack
                    // before this push. Whichever of us claims the node runs the callback.
                    while (state == COMPLETING) {
                        Thread.onSpinWait();
                    }
                    if (node.claim()) {
                        runCallback(callback);
                    }
                }
                return this;
            }
        }
        runCallback(callback);
        return this;
    }

    @Override
    public final CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        addDoneCallback(f -> {
            int s = state;
            if (s == SUCCESS) {
                cf.complete(resultNow());
            } else if (s == FAILED) {
                cf.completeExceptionally((Throwable) outcome);
            } else {
                cf.cancel(false);
            }
        });
        return cf;
    }

    @Override
    public String toString() {
        int s = state;
        String detail = s == SUCCESS ? " result=" + outcome : s == FAILED ? " error=" + outcome : "";
        return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this))
                + "[" + status() + detail + "]";
    }

    // ---------------------------------------------------------------- internals

    private void finish(Object value, int finalState) {
        finish(value, finalState, true);
    }

    private void finish(Object value, int finalState, boolean wasRunning) {
        Status finalStatus = statusOf(finalState);
        try {
            onEnding(finalStatus, wasRunning); // before the outcome replaces the context
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "jpool internal error while ending a future", t);
        }
        outcome = value;
        // A release store publishes outcome. No fence is needed after it: the CAS to COMPLETING
        // was one. A waiter or callback pushed before that CAS is seen by the read of the stack
        // below; one pushed after it sees COMPLETING or later, so a waiter never parks, and a
        // callback is claimed by its adder or by this thread, whichever comes first.
        STATE.setRelease(this, finalState);
        try {
            onDone(finalStatus, wasRunning);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "jpool internal error while ending a future", t);
        }
        if (listeners == null) {
            return; // nobody waits and no callback: the common case costs no atomic swap
        }
        Node h = (Node) LISTENERS.getAndSet(this, DONE);
        Node reversed = null;
        while (h != null) {
            Node next = h.next;
            h.next = reversed;
            reversed = h;
            h = next;
        }
        Boolean onTimer = null; // looked up at the first callback: waiters alone never pay for it
        List<Consumer<? super PoolFuture<T>>> handedOff = null;
        for (Node n = reversed; n != null; n = n.next) {
            Object item = n.item;
            if (item instanceof Thread) {
                LockSupport.unpark((Thread) item);
            } else if (item != null && n.claim()) {
                @SuppressWarnings("unchecked")
                Consumer<? super PoolFuture<T>> cb = (Consumer<? super PoolFuture<T>>) item;
                if (onTimer == null) {
                    onTimer = SharedTimer.isTimerThread();
                }
                if (onTimer) {
                    handedOff = handedOff == null ? new ArrayList<>(2) : handedOff;
                    handedOff.add(cb); // user code off the timer: it may block (see SharedTimer)
                } else {
                    runCallback(cb);
                }
            }
        }
        if (handedOff != null) {
            List<Consumer<? super PoolFuture<T>>> inOrder = handedOff;
            SharedTimer.runCallbacks(() -> inOrder.forEach(this::runCallback));
        }
    }

    private void runCallback(Consumer<? super PoolFuture<T>> callback) {
        try {
            callback.accept(this);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "done-callback " + callback + " of " + this + " threw", t);
        }
    }

    @SuppressWarnings("unchecked")
    private T report(int s) throws ExecutionException {
        if (s == SUCCESS) {
            return (T) outcome;
        }
        if (s == CANCELLED) {
            throw new CancellationException("task was cancelled");
        }
        throw new ExecutionException((Throwable) outcome);
    }

    /**
     * Polls the state for {@link #spinNanosBeforePark()} at most (and not past a timed wait's
     * deadline, nor once the thread is interrupted); returns the state seen last.
     */
    private int spinUntilDone(boolean timed, long deadline) {
        long spin = spinNanosBeforePark();
        if (spin > 0L) {
            Thread me = Thread.currentThread();
            Spin.until(() -> state > COMPLETING || me.isInterrupted(),
                    timed ? Math.min(spin, deadline - System.nanoTime()) : spin);
        }
        return state;
    }

    /** Waits until done, interrupted or timed out; returns the state seen last. */
    private int awaitDone(boolean timed, long nanos) throws InterruptedException {
        helpBeforeWait();
        int s = state;
        if (s > COMPLETING) {
            return s;
        }
        final long deadline = timed ? System.nanoTime() + nanos : 0L;
        if ((s = spinUntilDone(timed, deadline)) > COMPLETING) {
            return s;
        }
        Node node = null;
        for (;;) {
            s = state;
            if (s > COMPLETING) {
                return s;
            }
            if (Thread.interrupted()) {
                if (node != null) {
                    node.item = null;
                }
                throw new InterruptedException();
            }
            if (s == COMPLETING) {
                Thread.onSpinWait();
                continue;
            }
            if (node == null) {
                if (timed && nanos <= 0L) {
                    return s;
                }
                node = new Node(Thread.currentThread());
                Node h = listeners;
                if (h == DONE) {
                    node = null;
                    continue;
                }
                node.next = h;
                if (!LISTENERS.compareAndSet(this, h, node)) {
                    node = null;
                }
                continue;
            }
            if (timed) {
                long left = deadline - System.nanoTime();
                if (left <= 0L) {
                    node.item = null;
                    return state;
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
        }
    }
}
