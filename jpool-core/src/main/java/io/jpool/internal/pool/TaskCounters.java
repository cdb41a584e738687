package io.jpool.internal.pool;

import io.jpool.PoolFuture;

import java.util.concurrent.atomic.LongAdder;

/**
 * The submitted/completed/failed/cancelled counters of a pool's {@code stats()}. Striped
 * ({@link LongAdder}) so counting never contends on the hot path; a snapshot read while tasks
 * end may be a moment stale, but once all are done {@code completed + failed + cancelled ==
 * submitted}.
 */
public final class TaskCounters {
    private final LongAdder submitted = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();

    public void submitted() {
        submitted.increment();
    }

    /** Counts a future that ended with {@code status}. */
    public void ended(PoolFuture.Status status) {
        ended(status, 1);
    }

    /** Counts {@code n} futures that ended with {@code status}. */
    public void ended(PoolFuture.Status status, long n) {
        switch (status) {
            case SUCCESS: completed.add(n); break;
            case FAILED: failed.add(n); break;
            case CANCELLED: cancelled.add(n); break;
            default: throw new IllegalArgumentException("not a final status: " + status);
        }
    }

    public long submittedCount() {
        return submitted.sum();
    }

    public long completedCount() {
        return completed.sum();
    }

    public long failedCount() {
        return failed.sum();
    }

    public long cancelledCount() {
        return cancelled.sum();
    }
}
