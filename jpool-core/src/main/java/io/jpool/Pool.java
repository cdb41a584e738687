package io.jpool;

import io.jpool.internal.pool.MapAsync;
import io.jpool.internal.pool.StarMap;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
     * Python's {@code starmap} over pairs: applies {@code fn} to the key and value of every pair,
     * lazily, with {@link MapOptions#defaults() default options}. Pairs are {@code Map.entry(a, b)}
     * (or any {@code Map.Entry}, such as a map's {@code entrySet()}); for more arguments, give
     * {@link #map} a record and a function of it: {@code pool.map(p -> area(p.w(), p.h()), rects)}.
     *
     * <pre>{@code
     * MapResult<Double> powers = pool.starmap((Integer x, Integer y) -> Math.pow(x, y), List.of(Map.entry(2, 5), Map.entry(3, 2)));
     * }</pre>
     */
    default <A, B, R> MapResult<R> starmap(TaskFunction2<? super A, ? super B, ? extends R> fn,
                                           Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs) {
        return starmap(fn, pairs, MapOptions.defaults());
    }

    /** As {@link #starmap(TaskFunction2, Iterable)}, with options as {@link #map(TaskFunction, Iterable, MapOptions)}. */
    default <A, B, R> MapResult<R> starmap(TaskFunction2<? super A, ? super B, ? extends R> fn,
                                           Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs,
                                           MapOptions options) {
        return map(StarMap.spread(fn), StarMap.arguments(pairs), options);
    }

    /**
     * Python's {@code map_async}: submits every item at once (in chunks of
     * {@link MapOptions#chunksize}) and returns one future of all the results, in input order.
     * It fails with the first failed item's {@link TaskFailedException} (its index and cause);
     * {@code cancel(true)} cancels every item. For callbacks, use
     * {@link PoolFuture#whenDone whenDone}. Unlike {@link #map}, the input is read to its end at
     * once, so it must be finite; the options' timeout, order and progress do not apply (use
     * {@code get(timeout, unit)}).
     */
    default <A, R> PoolFuture<List<R>> mapAsync(TaskFunction<? super A, ? extends R> fn, Iterable<? extends A> items,
                                                MapOptions options) {
        return MapAsync.start(this, fn, items, options);
    }

    /** {@link #mapAsync(TaskFunction, Iterable, MapOptions)} with default options (chunks of 1). */
    default <A, R> PoolFuture<List<R>> mapAsync(TaskFunction<? super A, ? extends R> fn, Iterable<? extends A> items) {
        return mapAsync(fn, items, MapOptions.defaults());
    }

    /**
     * Python's {@code shutdown(wait, cancel_futures)}: no new tasks are accepted; with
     * {@code cancelPending} every task that has not started is cancelled; with {@code wait} this
     * call returns only when every running task has ended and the workers have stopped.
     */
    void shutdown(boolean wait, boolean cancelPending);

    /**
     * Stops at once: no new tasks, every task that has not started is cancelled, and every running
     * one is stopped (its thread interrupted in a thread pool, its worker killed in a process pool)
     * and ends CANCELLED. Returns the tasks that never started; their futures are already
     * cancelled, so nothing waits on them for ever (a {@code ThreadPoolExecutor} leaves them
     * pending). Each is the Runnable given to {@code execute} (thread pool), or else a Runnable
     * whose {@code run()} runs the task's code in the calling thread and leaves its future as it is
     * (in the thread and process pools it is also that future).
     */
    @Override
    List<Runnable> shutdownNow();

    /** {@code shutdown(true, false)}: runs what was submitted, then stops. */
    @Override
    void close();

    /** A snapshot of the pool's counters. */
    PoolStats stats();
}
