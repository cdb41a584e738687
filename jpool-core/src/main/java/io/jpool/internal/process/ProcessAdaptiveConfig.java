package io.jpool.internal.process;

/**
 * An adaptive process pool's settings, checked by {@link io.jpool.ProcessPool.Builder}.
 *
 * @param min              fewest workers kept alive once started (idle ones above it retire); 0 or more
 * @param max              most workers at once (also the pool's maxWorkers); at least 1 and min
 * @param idleTimeoutNanos how long a worker may stay idle before it retires (down to min)
 */
public record ProcessAdaptiveConfig(int min, int max, long idleTimeoutNanos) {
}
