package io.jpool.internal.pool;

import io.jpool.MapOptions;
import io.jpool.Pool;
import io.jpool.PoolFuture;
import io.jpool.TaskFailedException;
import io.jpool.TaskFunction;
import io.jpool.internal.future.TaskFuture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Python's {@code map_async}: the whole input is read and submitted at once, in chunks, and one
 * future completes with every result in input order, or fails with the first failed item's
 * {@link TaskFailedException}.
 *
 * <h2>How it works</h2>
 * Each chunk is an ordinary task ({@link MapChunk}) of the pool. Every chunk's done-callback
 * counts down; the one that brings the count to zero, in whatever thread ended its chunk, reads
 * the chunks in order and completes the aggregate. No thread waits. Cancelling the aggregate with
 * {@code cancel(true)} cancels every chunk.
 */
public final class MapAsync<R> extends TaskFuture<List<R>> {
    private final List<PoolFuture<Object[]>> chunks = new ArrayList<>();
    private final List<Long> firstIndexes = new ArrayList<>();

    private MapAsync() {
    }

    /** Submits every chunk of {@code items} to {@code pool}; see the class note. */
    public static <A, R> PoolFuture<List<R>> start(Pool pool, TaskFunction<? super A, ? extends R> fn,
                                                   Iterable<? extends A> items, MapOptions options) {
        LazyMap.checkArguments(fn, items, options);
        MapAsync<R> all = new MapAsync<>();
        all.tryStart();
        int chunksize = options.chunksize();
        Object[] buf = new Object[chunksize];
        int n = 0;
        long index = 0;
        try {
            for (A item : items) {
                buf[n++] = item;
                if (n == chunksize) {
                    all.submit(pool, fn, buf, index);
                    index += n;
                    buf = new Object[chunksize];
                    n = 0;
                }
            }
            if (n > 0) {
                all.submit(pool, fn, Arrays.copyOf(buf, n), index);
            }
        } catch (RuntimeException e) {
            all.chunks.forEach(c -> c.cancel(true));
            throw e;
        }
        if (all.chunks.isEmpty()) {
            all.complete(Collections.emptyList());
            return all;
        }
        AtomicInteger remaining = new AtomicInteger(all.chunks.size());
        for (PoolFuture<Object[]> c : all.chunks) {
            c.addDoneCallback(done -> {
                if (remaining.decrementAndGet() == 0) {
                    all.finishAll();
                }
            });
        }
        return all;
    }

    private <A> void submit(Pool pool, TaskFunction<? super A, ? extends R> fn, Object[] items, long firstIndex) {
        chunks.add(pool.submit(new MapChunk<A, R>(fn, items, firstIndex)));
        firstIndexes.add(firstIndex);
    }

    /** Every chunk is done: the results in order, or the first failure. */
    @SuppressWarnings("unchecked")
    private void finishAll() {
        List<R> out = new ArrayList<>();
        for (int c = 0; c < chunks.size(); c++) {
            long first = firstIndexes.get(c);
            Object[] results;
            try {
                results = chunks.get(c).get(); // done: does not block
            } catch (ExecutionException e) {
                fail(new TaskFailedException(first, e.getCause()));
                return;
            } catch (CancellationException | InterruptedException e) {
                fail(new TaskFailedException(first, e));
                return;
            }
            for (int i = 0; i < results.length; i++) {
                if (results[i] instanceof ItemFailure) {
                    fail(new TaskFailedException(first + i, ((ItemFailure) results[i]).error()));
                    return;
                }
                out.add((R) results[i]);
            }
        }
        complete(Collections.unmodifiableList(out));
    }

    @Override
    protected void stopRunning() {
        chunks.forEach(c -> c.cancel(true));
    }
}
