package io.jpool.internal.adaptive;

/**
 * What an adaptive pool tells its {@link AdaptiveController} at one tick. Counters are running
 * totals since the pool started (the controller takes the differences); the rest is the state now.
 *
 * @param nanoTime         the clock ({@link System#nanoTime()} in a pool, a fake one in tests)
 * @param completed        tasks that ended so far, whatever their outcome
 * @param sampledCpuNanos  CPU time of the sampled tasks so far
 * @param sampledWallNanos wall time of the same sampled tasks so far
 * @param sampledRunQueueNanos time the same sampled tasks spent runnable but waiting for a CPU, as
 *                         the OS scheduler counts it; -1 where unknown (then cpuContention stands in)
 * @param queued           tasks waiting to start now
 * @param busy             workers running a task now
 * @param cpuContention    how much slower than alone a CPU-bound thread runs on this machine now
 *                         (system load / CPUs, at least 1), used when the run-queue time is unknown:
 *                         wall time a task spent waiting for a CPU is not "wait" in the Goetz sense,
 *                         so the controller takes it out
 * @param sampledTasks     tasks sampled so far whose run-queue wait is known
 * @param crowdedTasks     of those, the ones that waited for a CPU 80% of their wall time or more
 *                         ({@link TaskSampler#crowded}): counted apart, as a few long tasks of the
 *                         work of before (a wait on a starved server) outweigh many short crowded
 *                         ones in the sums
 * @param crowdedRunQueueNanos the run-queue wait of the crowded tasks so far
 * @param crowdedWallNanos the wall time of the crowded tasks so far
 */
public record AdaptiveSample(long nanoTime, long completed, long sampledCpuNanos, long sampledWallNanos,
                             long sampledRunQueueNanos, long queued, int busy, double cpuContention,
                             long sampledTasks, long crowdedTasks, long crowdedRunQueueNanos, long crowdedWallNanos) {
    /** A sample without the per-task counts (pools that do not keep them: none counted crowded). */
    public AdaptiveSample(long nanoTime, long completed, long sampledCpuNanos, long sampledWallNanos,
                          long sampledRunQueueNanos, long queued, int busy, double cpuContention) {
        this(nanoTime, completed, sampledCpuNanos, sampledWallNanos, sampledRunQueueNanos, queued, busy, cpuContention,
                0, 0, 0, 0);
    }
}
