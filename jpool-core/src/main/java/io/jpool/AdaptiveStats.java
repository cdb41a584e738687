package io.jpool;

/**
 * What an {@link ThreadPool.Builder#adaptive() adaptive} pool's sizing controller knows and did
 * last: {@link ThreadPool#adaptiveStats()}, and the argument of the
 * {@link ThreadPool.Builder#adaptiveListener adaptiveListener} at every change of target. An
 * adaptive {@link ProcessPool}'s ({@link ProcessPool#adaptiveStats()}) has the same fields; its
 * ratio is that of its busy workers' wall time to their CPU time, and its reason also tells the
 * CPU share, a worker's RSS and the available memory it last read.
 *
 * @param target           the number of workers the pool aims at now (within {@code [min, max]})
 * @param min              the fewest workers the controller ever asks for
 * @param max              the most workers the controller ever asks for
 * @param waitComputeRatio measured time a task waits (off-CPU, not counting time waiting for a
 *                         busy CPU) per unit of CPU time it computes; {@code NaN} until measured
 * @param reason           why the target last changed, in words (or why it stays as it started)
 * @param changes          how many times the target changed so far
 */
public record AdaptiveStats(int target, int min, int max, double waitComputeRatio, String reason, long changes) {
}
