package io.jpool;

/**
 * A snapshot of a pool's counters. Once every submitted task is done,
 * {@code completed + failed + cancelled == submitted}.
 *
 * @param workers   worker threads or processes alive now
 * @param busy      workers running a task now
 * @param queued    tasks waiting to start
 * @param submitted tasks accepted so far
 * @param completed tasks that ended in SUCCESS
 * @param failed    tasks that ended in FAILED (including time limits and dead workers)
 * @param cancelled tasks that ended in CANCELLED
 */
public record PoolStats(int workers, int busy, long queued, long submitted, long completed,
                        long failed, long cancelled) {
}
