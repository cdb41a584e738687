package io.jpool.bench;

import io.jpool.AdaptiveStats;

import java.util.List;

/**
 * What one {@link ClosedLoop} run measured.
 *
 * @param name        the contender's name
 * @param tasksPerSec completions per second over the whole run
 * @param peakRunning the most tasks that ran at once
 * @param meanTaskMs  mean time from a task's start to its end (queueing downstream shows here)
 * @param failed      tasks that threw
 * @param series      the sampler's points, in time order
 * @param adaptive    an adaptive pool's sizing state at the end; null for the others
 */
public record Run(String name, double tasksPerSec, int peakRunning, double meanTaskMs, long failed,
                  List<Point> series, AdaptiveStats adaptive) {

    /**
     * One sample.
     *
     * @param seconds   since the run started
     * @param running   tasks running
     * @param threads   the executor's worker threads (-1: not countable, e.g. virtual threads)
     * @param target    an adaptive pool's target (-1 for the others)
     * @param completed tasks completed so far
     */
    public record Point(double seconds, int running, int threads, int target, long completed) {
        /** Threads if countable, else tasks running. */
        public int threadsOrRunning() {
            return threads >= 0 ? threads : running;
        }
    }

    /** Mean worker threads (or tasks running, where threads are not countable) from {@code fromSeconds} on. */
    public double meanThreads(double fromSeconds) {
        return series.stream().filter(p -> p.seconds() >= fromSeconds).mapToInt(Point::threadsOrRunning)
                .average().orElse(0);
    }

    /** Completions per second between two times of the run, from the samples. */
    public double rateBetween(double fromSeconds, double toSeconds) {
        Point a = null;
        Point b = null;
        for (Point p : series) {
            if (a == null && p.seconds() >= fromSeconds) {
                a = p;
            }
            if (p.seconds() <= toSeconds) {
                b = p;
            }
        }
        if (a == null || b == null || b.seconds() <= a.seconds()) {
            return 0;
        }
        return (b.completed() - a.completed()) / (b.seconds() - a.seconds());
    }
}
