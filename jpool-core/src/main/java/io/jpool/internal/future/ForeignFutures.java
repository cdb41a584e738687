package io.jpool.internal.future;

import io.jpool.PoolFuture;
import io.jpool.internal.util.ThreadFactories;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Any {@link Future} as a {@link PoolFuture}, so {@code asCompleted} and {@code waitFor} take the
 * {@code List<Future<T>>} of {@code invokeAll} or {@code CompletableFuture}s.
 *
 * <h2>How it works</h2>
 * A {@code PoolFuture} is kept as it is. A {@link CompletionStage} (a {@code CompletableFuture})
 * completes its stand-in from its own completion. Any other future that is not done yet can only
 * be waited on: a daemon thread named {@code jpool-future-watch} waits in its {@code get()} and
 * ends with it. A stand-in is one way: cancelling it does not cancel the original.
 */
public final class ForeignFutures {
    private ForeignFutures() {
    }

    /** The futures as PoolFutures, in the same order; see the class note. */
    @SuppressWarnings("unchecked")
    public static <T> List<PoolFuture<T>> adapt(Collection<? extends Future<? extends T>> fs) {
        if (fs == null) {
            throw new NullPointerException("futures collection is null");
        }
        List<PoolFuture<T>> out = new ArrayList<>(fs.size());
        for (Future<? extends T> f : fs) {
            if (f == null) {
                throw new NullPointerException("the futures collection contains null");
            }
            out.add(f instanceof PoolFuture ? (PoolFuture<T>) f : standIn(f));
        }
        return out;
    }

    @SuppressWarnings("unchecked") // a Future that is a CompletionStage is one of the same values
    private static <T> PoolFuture<T> standIn(Future<? extends T> f) {
        TaskFuture<T> s = new TaskFuture<>();
        s.tryStart();
        if (f instanceof CompletionStage) {
            ((CompletionStage<? extends T>) f).whenComplete((v, e) -> settle(s, v, e));
        } else if (f.isDone()) {
            settleFrom(s, f);
        } else {
            ThreadFactories.startDaemon("jpool-future-watch", () -> settleFrom(s, f));
        }
        return s;
    }

    private static <T> void settleFrom(TaskFuture<T> s, Future<? extends T> f) {
        boolean interrupted = false;
        for (;;) {
            try {
                s.complete(f.get());
                break;
            } catch (ExecutionException e) {
                s.fail(e.getCause());
                break;
            } catch (CancellationException e) {
                s.cancel(true);
                break;
            } catch (InterruptedException e) {
                interrupted = true; // nobody interrupts this thread on purpose; keep waiting
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> void settle(TaskFuture<T> s, T value, Throwable error) {
        if (error == null) {
            s.complete(value);
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CancellationException) {
            s.cancel(true);
        } else {
            s.fail(cause);
        }
    }
}
