package io.jpool.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The thread throughput workload shared by {@link ThreadThroughputBench} and
 * {@link PairedThroughput}: {@code tasks} no-ops submitted as fast as possible, by the calling
 * thread alone or half of them by a second thread, every future kept, then every one waited for.
 */
final class NoopBatch {
    private final Future<Integer>[] futures;

    @SuppressWarnings("unchecked")
    NoopBatch(int tasks) {
        futures = new Future[tasks];
    }

    /**
     * Runs the batch through {@code submitter}; with {@code secondSubmitter} (a one-thread
     * executor) that thread submits the second half. Returns the sum of the results (the task
     * count).
     */
    long run(Executors4.Submitter submitter, ExecutorService secondSubmitter) throws Exception {
        int n = futures.length;
        Future<?> second = null;
        int mine = n;
        if (secondSubmitter != null) {
            mine = n / 2;
            int from = mine;
            second = secondSubmitter.submit(() -> submitRange(submitter, from, n));
        }
        submitRange(submitter, 0, mine);
        if (second != null) {
            second.get();
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += futures[i].get();
            futures[i] = null;
        }
        return sum;
    }

    private Void submitRange(Executors4.Submitter s, int from, int to) {
        for (int i = from; i < to; i++) {
            futures[i] = s.submitNoop();
        }
        return null;
    }
}
