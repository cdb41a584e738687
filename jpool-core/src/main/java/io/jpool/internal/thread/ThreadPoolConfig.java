package io.jpool.internal.thread;

import io.jpool.RunnableTask;
import io.jpool.internal.adaptive.AdaptiveConfig;

import java.time.Duration;

/**
 * A ThreadPool's settings, checked by {@link io.jpool.ThreadPool.Builder}.
 *
 * @param threadNamePrefix null for the default {@code jpool-<pool>-<n>}
 * @param initializer      null for none
 * @param queueCapacity    Integer.MAX_VALUE for unbounded
 * @param taskTimeout      null for none
 * @param adaptive         null for a fixed maxWorkers; else maxWorkers is its max
 */
public record ThreadPoolConfig(int maxWorkers, String threadNamePrefix, RunnableTask initializer,
                               boolean virtualThreads, int queueCapacity, Duration keepAlive,
                               Duration taskTimeout, AdaptiveConfig adaptive) {
}
