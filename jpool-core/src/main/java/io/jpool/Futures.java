package io.jpool;

import io.jpool.internal.future.CompletionWaiter;
import io.jpool.internal.future.ForeignFutures;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Python's module-level helpers {@code as_completed} and {@code wait}, over any collection of
 * {@link PoolFuture}s (from one pool or several). A cancelled future counts as done at once.
 * Other {@link Future}s (from {@code invokeAll}, or {@code CompletableFuture}s) go through
 * {@link #of(Collection)} first.
 */
public final class Futures {
    private Futures() {
    }

    /**
     * Any futures as {@link PoolFuture}s, in the same order, for {@link #asCompleted} and
     * {@link #waitFor}: the {@code List<Future<T>>} that {@code invokeAll} returns, or
     * {@code CompletableFuture}s. A {@code PoolFuture} is returned as it is; any other future gets
     * a stand-in that completes when it does (cancelling the stand-in does not cancel it). A
     * future that is neither a {@code PoolFuture} nor a {@code CompletionStage} and is not done yet
     * is waited on by a daemon thread until it is.
     *
     * <pre>{@code
     * for (PoolFuture<String> f : Futures.asCompleted(Futures.of(pool.invokeAll(tasks)))) { ... }
     * }</pre>
     */
    public static <T> List<PoolFuture<T>> of(Collection<? extends Future<? extends T>> fs) {
        return ForeignFutures.adapt(fs);
    }

    /**
     * The futures in completion order: done ones first, then each as it completes; each distinct
     * future once. The futures are read when this is called.
     */
    public static <T> Iterable<PoolFuture<T>> asCompleted(Collection<? extends PoolFuture<T>> fs) {
        return asCompleted(fs, null);
    }

    /**
     * As {@link #asCompleted(Collection)}, with one deadline counted from this call: past it,
     * the iterator's {@code hasNext}/{@code next} throw {@link WaitTimeoutException}.
     *
     * @param timeout {@code null} for no limit
     */
    public static <T> Iterable<PoolFuture<T>> asCompleted(Collection<? extends PoolFuture<T>> fs, Duration timeout) {
        return CompletionWaiter.asCompleted(fs, timeout);
    }

    /**
     * Python's {@code wait}: blocks until {@code when} holds or the timeout passes, then returns
     * which futures are done and which are not. It never throws on timeout.
     *
     * @param timeout {@code null} for no limit
     */
    public static <T> DoneAndNotDone<T> waitFor(Collection<? extends PoolFuture<T>> fs, Duration timeout,
                                                ReturnWhen when) throws InterruptedException {
        return CompletionWaiter.waitFor(fs, timeout, when);
    }
}
