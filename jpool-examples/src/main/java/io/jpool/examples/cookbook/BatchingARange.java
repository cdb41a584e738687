package io.jpool.examples.cookbook;

import io.jpool.PoolFuture;
import io.jpool.ThreadPool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Split a range into batches and give each batch to one task, so each task is worth sending.
 * Mirrors:
 *
 * <pre>{@code
 * def process_batch(batch):
 *     return sum(x * x for x in batch)
 *
 * items = range(1000)
 * batches = [items[i:i + 100] for i in range(0, len(items), 100)]
 * with ThreadPoolExecutor(max_workers=4) as executor:
 *     futures = [executor.submit(process_batch, b) for b in batches]
 *     for b, f in zip(batches, futures):
 *         print(f"batch {b.start}..{b.stop - 1}: {f.result()}")
 *     print("total", sum(f.result() for f in futures))
 * }</pre>
 *
 * <p>{@code map} with {@code MapOptions.chunksize(100)} does the same batching for you.
 */
public final class BatchingARange {

    public static void main(String[] args) throws Exception {
        run(System.out, 1000, 100);
    }

    static long processBatch(int from, int to) {
        long sum = 0;
        for (long x = from; x < to; x++) {
            sum += x * x;
        }
        return sum;
    }

    /** Sums the squares of 0..size-1 in batches of {@code batchSize}; returns the total. */
    public static long run(PrintStream out, int size, int batchSize) throws Exception {
        List<int[]> batches = new ArrayList<>();
        for (int i = 0; i < size; i += batchSize) {
            batches.add(new int[] {i, Math.min(size, i + batchSize)});
        }
        long total = 0;
        try (ThreadPool executor = ThreadPool.create(4)) {
            List<PoolFuture<Long>> futures = new ArrayList<>();
            for (int[] b : batches) {
                futures.add(executor.submit(() -> processBatch(b[0], b[1])));
            }
            for (int i = 0; i < batches.size(); i++) {
                long r = futures.get(i).get();
                out.println("batch " + batches.get(i)[0] + ".." + (batches.get(i)[1] - 1) + ": " + r);
                total += r;
            }
        }
        out.println("total " + total);
        return total;
    }

    private BatchingARange() {
    }
}
