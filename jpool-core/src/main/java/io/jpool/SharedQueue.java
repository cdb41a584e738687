package io.jpool;

import java.io.Serializable;
import java.time.Duration;

/**
 * A bounded blocking FIFO queue that lives in a {@link Manager}, with
 * {@link java.util.concurrent.BlockingQueue} semantics, shared by threads and worker processes.
 * A blocked {@code take} or {@code put} does not block other callers. If a worker process dies
 * while blocked in {@code take}, no element is lost.
 */
public interface SharedQueue<E> extends Serializable {
    /** Adds {@code e}, waiting for room. */
    void put(E e) throws InterruptedException;

    /** Takes the head, waiting for one. */
    E take() throws InterruptedException;

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
