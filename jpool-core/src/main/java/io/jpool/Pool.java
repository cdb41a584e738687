package io.jpool;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * What every jpool pool is: Python's {@code concurrent.futures.Executor} and a full
 * {@link ExecutorService}.
 *
 * <p>Every submitted task ends in exactly one of {@link PoolFuture.Status#SUCCESS SUCCESS},
 * {@link PoolFuture.Status#FAILED FAILED} or {@link PoolFuture.Status#CANCELLED CANCELLED}, and
 * every future resolves when the pool is shut down. A submit after shutdown throws
 * {@link RejectedExecutionException}. A {@code null} timeout means "no limit" everywhere.
 */
public interface Pool extends ExecutorService, AutoCloseable {

    /** Submits a task; the returned future completes with its result or exception. */
    <T> PoolFuture<T> submit(Task<T> task);

    /**
     * Submits a task with its own time limit, counted from when it starts running. A task past
     * its limit is stopped (interrupted in a thread pool, killed with its worker in a process
     * pool) and its future fails with {@link TaskTimeoutException}.
     *
     * @param timeout the limit, or {@code null} for the pool's default; must be positive
     */
    <T> PoolFuture<T> submit(Task<T> task, Duration timeout);

    /** Submits a task without a result; the future completes with {@code null}. */
    PoolFuture<Void> submit(RunnableTask task);

    /** {@inheritDoc} The returned future is a {@link PoolFuture}. */
    @Override
    <T> PoolFuture<T> submit(Callable<T> task);

    /** {@inheritDoc} The returned future is a {@link PoolFuture}. */
    @Override
    PoolFuture<?> submit(Runnable task);

    /** {@inheritDoc} The returned future is a {@link PoolFuture}. */
    @Override
    <T> PoolFuture<T> submit(Runnable task, T result);

    /**
     * Applies {@code fn} to every item, lazily and with backpressure, with
     * {@link MapOptions#defaults() default options}: results in input order.
     */
    <A, R> MapResult<R> map(TaskFunction<? super A, ? extends R> fn, Iterable<? extends A> items);

    /**
     * Applies {@code fn} to every item. Items are consumed only as results are taken, with at
     * most {@code buffersize} chunks in flight; see {@link MapResult} and {@link MapOptions}.
     */
    <A, R> MapResult<R> map(TaskFunction<? super A, ? extends R> fn, Iterable<? extends A> items,
                            MapOptions options);

    /**
     * Python's {@code shutdown(wait, cancel_futures)}: no new tasks are accepted; with
     * {@code cancelPending} every task that has not started is cancelled; with {@code wait} this
     * call returns only when every running task has ended and the workers have stopped.
     */
    void shutdown(boolean wait, boolean cancelPending);

    /** {@code shutdown(true, false)}: runs what was submitted, then stops. */
    @Override
    void close();

    /** A snapshot of the pool's counters. */
    PoolStats stats();
}
