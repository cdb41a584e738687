package io.jpool.jcstress;

import io.jpool.internal.future.TaskFuture;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TaskFuture} that counts how often its pool hooks are called, so a jcstress test can
 * check that a running task is stopped exactly once, and only when a cancel or timeout won.
 *
 * @param <T> the result type
 */
public final class Probe<T> extends TaskFuture<T> {
    /** Calls of {@link #stopRunning()}. */
    public final AtomicInteger stops = new AtomicInteger();
    /** Calls of {@link #onDone}. */
    public final AtomicInteger dones = new AtomicInteger();

    /** A future in PENDING, as a pool creates it at submit. */
    public Probe() {
    }

    /** A future already RUNNING, as a worker leaves it after {@link #tryStart()}. */
    public static <T> Probe<T> started() {
        Probe<T> p = new Probe<>();
        if (!p.tryStart()) {
            throw new AssertionError("a fresh future did not start");
        }
        return p;
    }

    @Override
    protected void stopRunning() {
        stops.incrementAndGet();
    }

    @Override
    protected void onDone(Status finalStatus, boolean wasRunning) {
        dones.incrementAndGet();
    }

    /** Status as a small int for jcstress outcomes: PENDING 0, RUNNING 1, SUCCESS 2, FAILED 3, CANCELLED 4. */
    public int code() {
        return status().ordinal();
    }
}
