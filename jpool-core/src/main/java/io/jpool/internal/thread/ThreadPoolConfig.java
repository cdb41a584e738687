package io.jpool.internal.thread;

import io.jpool.RunnableTask;

import java.time.Duration;

/**
 * A ThreadPool's settings, checked by {@link io.jpool.ThreadPool.Builder}.
 *
 * @param threadNamePrefix null for the default {@code jpool-<pool>-<n>}
 * @param initializer      null for none
 * @param queueCapacity    Integer.MAX_VALUE for unbounded
 * @param taskTimeout      null for none
 */
public record ThreadPoolConfig(int maxWorkers, String threadNamePrefix, RunnableTask initializer,
                               boolean virtualThreads, int queueCapacity, Duration keepAlive,
                               Duration taskTimeout) {
}
