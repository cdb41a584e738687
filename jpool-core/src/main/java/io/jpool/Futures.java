package io.jpool;

import io.jpool.internal.future.CompletionWaiter;

import java.time.Duration;
import java.util.Collection;

/**
 * Python's module-level helpers {@code as_completed} and {@code wait}, over any collection of
 * {@link PoolFuture}s (from one pool or several). A cancelled future counts as done at once.
 */
public final class Futures {
    private Futures() {
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
