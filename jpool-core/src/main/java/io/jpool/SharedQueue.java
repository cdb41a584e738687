package io.jpool;

import java.io.Serializable;
import java.time.Duration;

/**
 * A bounded blocking FIFO queue that lives in a {@link Manager}, with
 * {@link java.util.concurrent.BlockingQueue} semantics, shared by threads and worker processes.
 * A blocked {@code take} or {@code put} does not block other callers. If a worker process dies
 * while blocked in {@code take}, no element is lost: an element leaves the queue only once the
 * taking JVM has confirmed that it has it, and one handed to a taker that dies first (stopped,
 * then killed, say) goes back to the head.
 */
public interface SharedQueue<E> extends Serializable {
    /** Adds {@code e}, waiting for room. */
    void put(E e) throws InterruptedException;

    /** Takes the head, waiting for one. */
    E take() throws InterruptedException;

    /**
     * {@link #put}, declaring no checked exception, for lambdas such as {@link RunnableTask}:
     * interrupted while waiting for room, it throws {@link IllegalStateException} (caused by the
     * {@link InterruptedException}) with the thread's interrupt flag set again, and adds nothing.
     */
    default void putUnchecked(E e) {
        try {
            put(e);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for room in a SharedQueue; nothing was added", interrupted);
        }
    }

    /**
     * {@link #take}, declaring no checked exception, for lambdas such as {@link RunnableTask}:
     * interrupted while waiting, it throws {@link IllegalStateException} (caused by the
     * {@link InterruptedException}) with the thread's interrupt flag set again, and takes nothing.
     * An element already on its way when the interrupt came is returned, with the flag set.
     */
    default E takeUnchecked() {
        try {
            return take();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an element of a SharedQueue; nothing was taken", interrupted);
        }
    }

    /** Adds {@code e} if there is room now; false otherwise. */
    boolean offer(E e);

    /** Adds {@code e}, waiting up to {@code timeout} for room; false if none came. */
    boolean offer(E e, Duration timeout) throws InterruptedException;

    /** The head, or null if empty now. */
    E poll();

    /** The head, waiting up to {@code timeout}; null if none came. */
    E poll(Duration timeout) throws InterruptedException;

    int size();

    /** The queue's capacity. */
    int capacity();
}
