package io.jpool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The result of a submitted task: Python's {@code concurrent.futures.Future} and a JDK
 * {@link Future}.
 *
 * <p>Lifecycle: {@code PENDING -> RUNNING -> SUCCESS | FAILED}, {@code PENDING -> CANCELLED},
 * and {@code RUNNING -> CANCELLED} only through {@code cancel(true)} or {@code shutdownNow()}.
 * A task stopped by its time limit ends FAILED with {@link TaskTimeoutException}. Transitions are
 * atomic: a cancelled task never runs, and a running task is never reported cancelled by
 * {@link #cancel()}.
 *
 * @param <T> the result type
 */
public interface PoolFuture<T> extends Future<T> {

    /** Where a task is in its life. Not {@code state()}: the JDK's has no PENDING. */
    enum Status { PENDING, RUNNING, SUCCESS, FAILED, CANCELLED }

    /** The current status. */
    Status status();

    /**
     * Python's {@code cancel()}: cancels the task only if it has not started.
     *
     * @return true if the future is now cancelled (also when it already was); false once the
     *     task runs or has finished
     */
    boolean cancel();

    /**
     * JDK cancel. With {@code mayInterruptIfRunning} a running task is stopped too: its thread
     * is interrupted (thread pool) or its worker process killed (process pool), and the future
     * ends CANCELLED. Without it, behaves as {@link #cancel()}.
     */
    @Override
    boolean cancel(boolean mayInterruptIfRunning);

    /** True while the task runs. */
    boolean isRunning();

    /**
     * Waits for the result. A task's exception arrives as the cause of an
     * {@link ExecutionException}; a cancelled task throws
     * {@link java.util.concurrent.CancellationException}.
     */
    @Override
    T get() throws InterruptedException, ExecutionException;

    /**
     * As {@link #get()}, with a limit; {@link TimeoutException} past it (the task goes on). In a
     * task of the same thread pool, a wait on a task that has not started runs it in the waiting
     * thread (see {@link ThreadPool}), and then returns when it is done, past the limit or not.
     */
    @Override
    T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException;

    // resultNow/exceptionNow match the JDK 19+ defaults of Future (no @Override: release 17).

    /**
     * The result of a future that succeeded.
     *
     * @throws IllegalStateException if the future is not done or did not succeed
     */
    T resultNow();

    /**
     * The exception of a future that failed.
     *
     * @throws IllegalStateException if the future is not done, succeeded or was cancelled
     */
    Throwable exceptionNow();

    /**
     * Python's {@code exception(timeout)}: waits for the future and returns the task's exception,
     * or {@code null} if it succeeded.
     *
     * @param timeout how long to wait, {@code null} for no limit
     * @throws java.util.concurrent.CancellationException if the future was cancelled
     * @throws TimeoutException if it is not done in time
     */
    Throwable exception(Duration timeout) throws TimeoutException, InterruptedException;

    /**
     * Runs {@code callback} once the future is done: exactly once, in the thread that completes
     * the future, or at once in this thread if it is already done. A callback that throws is
     * logged and does not stop the others. One exception: the callbacks of a task that timed out
     * run on a thread of their own ({@code jpool-timeout-callbacks-N}), not on the timer that
     * ended it, so a callback that blocks holds back no other task's time limit.
     *
     * <p>Order: callbacks added before the future is done run in registration order. A callback
     * added once the future is done (for instance after {@code get()} returned) runs at once in
     * the adding thread, as in Python; it may therefore run before, or while, the completing
     * thread runs callbacks that were added earlier. Callbacks added concurrently with completion
     * fall on one side or the other.
     *
     * @return this future
     */
    PoolFuture<T> addDoneCallback(Consumer<? super PoolFuture<T>> callback);

    /**
     * Python's {@code apply_async(..., callback, error_callback)}: runs {@code callback} once the
     * future is done, with the result and {@code null} if it succeeded, or {@code null} and the
     * error if not: the task's exception, or a {@link CancellationException} if it was
     * cancelled. Runs as {@link #addDoneCallback} does (once; at once if already done).
     *
     * <pre>{@code
     * pool.submit(() -> fetch(url)).whenDone((page, error) -> {
     *     if (error == null) save(page); else log(error);
     * });
     * }</pre>
     *
     * @return this future
     */
    default PoolFuture<T> whenDone(BiConsumer<? super T, ? super Throwable> callback) {
        if (callback == null) {
            throw new NullPointerException("whenDone callback is null");
        }
        return addDoneCallback(f -> {
            Status s = f.status();
            if (s == Status.SUCCESS) {
                callback.accept(f.resultNow(), null);
            } else if (s == Status.FAILED) {
                callback.accept(null, f.exceptionNow());
            } else {
                callback.accept(null, new CancellationException("the task was cancelled"));
            }
        });
    }

    /**
     * Python's {@code AsyncResult.successful()}: true if the task ended with a result; false while
     * it is not done ({@link #isDone()} is {@code ready()}), and if it failed or was cancelled.
     */
    default boolean isSuccessful() {
        return status() == Status.SUCCESS;
    }

    /**
     * A {@link CompletableFuture} completed with this future's outcome. One way: completing or
     * cancelling the returned future does not affect the task.
     */
    CompletableFuture<T> toCompletableFuture();
}
