package io.jpool;

import java.util.stream.Stream;

/**
 * The lazy results of {@link Pool#map}. Iterate once (or take one {@link #stream()}): each
 * {@code next()} waits for the next result, and only then is more of the input consumed, so at
 * most {@code buffersize} chunks are in flight.
 *
 * <ul>
 *   <li>A failed item throws {@link TaskFailedException} (cause: the task's exception, with the
 *       item's index) when iteration reaches it; iteration may continue past it.</li>
 *   <li>Past the map's deadline, {@code next()} throws {@link WaitTimeoutException}.</li>
 *   <li>{@link #close()} cancels everything still pending; iteration then ends. In a
 *       {@code ProcessPool} a few small chunks already sent ahead to a worker (its window, so
 *       that a worker never waits for its next chunk) count as running, as Python's call queue
 *       does, and may still run.</li>
 * </ul>
 *
 * @param <R> the result type
 */
public interface MapResult<R> extends Iterable<R>, AutoCloseable {

    /** The results as a sequential stream; closing the stream closes this result. */
    Stream<R> stream();

    /** Cancels the chunks still pending and stops consuming the input. Idempotent. */
    @Override
    void close();
}
