package io.jpool;

import io.jpool.internal.adaptive.AdaptiveConfig;
import io.jpool.internal.adaptive.TaskSampler;
import io.jpool.internal.thread.ThreadPoolConfig;
import io.jpool.internal.thread.ThreadPoolImpl;
import io.jpool.internal.util.Checks;
import io.jpool.internal.util.Durations;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A pool of threads: Python's {@code ThreadPoolExecutor}, faster than the JDK's, with
 * Python-complete futures.
 *
 * <ul>
 *   <li>Threads start lazily, up to {@code maxWorkers}; an idle thread is reused before a new one
 *       starts. Idle threads retire after a keep-alive.</li>
 *   <li>Python's exit behaviour: idle pool threads never keep the JVM alive, so a program that
 *       returns from {@code main} without closing its pool ends; tasks submitted and not yet
 *       finished do keep it alive, until they are done.</li>
 *   <li>An {@link Builder#initializer initializer} runs once in each worker thread before its
 *       first task; if it throws, the pool is broken ({@link BrokenPoolException}).</li>
 *   <li>A task that waits on a pending future of its own pool runs it inline (work helping), so
 *       nested waits never deadlock the pool, even with one worker. A timed wait
 *       ({@code get(timeout)}, {@code invokeAll(.., timeout)}, {@code asCompleted} or
 *       {@code waitFor} with a timeout) that runs a task so lasts as long as that task, as in a
 *       {@code ForkJoinPool}: give the inner task a time limit of its own where that matters.</li>
 *   <li>A per-task time limit interrupts the task's thread at the deadline and fails its future
 *       with {@link TaskTimeoutException}. Java cannot stop a thread that ignores interrupts: such
 *       a task goes on running (and holds its worker) after its future has failed. Use a
 *       {@link ProcessPool} for code that must be stopped for sure.</li>
 *   <li>With {@link Builder#queueCapacity queueCapacity}, submit blocks while that many tasks
 *       wait to start (backpressure), instead of rejecting.</li>
 *   <li>With {@link Builder#adaptive() adaptive()}, the pool finds its size: it measures its
 *       tasks' wait and compute time, starts from {@code cpus x (1 + wait/compute)}, keeps a
 *       change of size only if it raises the completion rate, adds workers when queued tasks make
 *       no progress, and shrinks when the work turns CPU-bound or the load falls
 *       ({@link #adaptiveStats()} says where it stands and why).</li>
 * </ul>
 */
public interface ThreadPool extends Pool {

    /**
     * An adaptive pool's sizing: the target it follows, the measured wait/compute ratio and why
     * the target last changed. Empty for a pool of fixed size.
     */
    default Optional<AdaptiveStats> adaptiveStats() {
        return Optional.empty();
    }

    /**
     * A pool of Python's default size, {@code min(32, cpus + 4)} threads, with default settings:
     * {@code ThreadPoolExecutor()}.
     */
    static ThreadPool create() {
        return builder().build();
    }

    /** A pool of at most {@code maxWorkers} threads with default settings. */
    static ThreadPool create(int maxWorkers) {
        return builder().maxWorkers(maxWorkers).build();
    }

    /** A builder with Python's defaults: {@code min(32, cpus + 4)} workers, unbounded queue. */
    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ThreadPool}; every setter checks its argument at once. */
    final class Builder {
        private int maxWorkers = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        private String threadNamePrefix;
        private RunnableTask initializer;
        private boolean virtualThreads;
        private int queueCapacity = Integer.MAX_VALUE;
        private Duration keepAlive = Duration.ofSeconds(60);
        private Duration taskTimeout;
        private boolean maxWorkersSet;
        private int adaptiveMin;
        private int adaptiveMax;
        private Consumer<AdaptiveStats> adaptiveListener;

        /** The most workers {@link #adaptive()} asks for without bounds of its own. */
        static final int DEFAULT_ADAPTIVE_MAX = 512;

        Builder() {
        }

        /** The most threads running tasks at once; at least 1. Default {@code min(32, cpus + 4)}. */
        public Builder maxWorkers(int maxWorkers) {
            this.maxWorkers = Checks.atLeast(maxWorkers, 1, "maxWorkers");
            this.maxWorkersSet = true;
            return this;
        }

        /**
         * Lets the pool find its own size, between 1 and 512 workers (or #CPUs if more): see
         * {@link #adaptive(int, int)}.
         */
        public Builder adaptive() {
            return adaptive(1, Math.max(DEFAULT_ADAPTIVE_MAX, Runtime.getRuntime().availableProcessors()));
        }

        /**
         * Lets the pool find its own size between {@code min} and {@code max} workers, instead of a
         * fixed {@link #maxWorkers}. It times some tasks (CPU, CPU-queue and wall time), starts
         * from {@code cpus x (1 + wait/compute)} (Goetz), probes a quarter more or fewer workers and
         * keeps a change only if it raises the completion rate (a step down is kept unless the rate
         * falls), adds workers when queued tasks see no task end for 500 ms, and shrinks when the
         * work turns CPU-bound or the load falls. A controller thread looks every 100 ms; workers
         * above the target retire between tasks. Use it when you cannot tell how I/O-bound the
         * tasks are, or when that changes; a fixed size remains the better choice when you know it.
         */
        public Builder adaptive(int min, int max) {
            Checks.atLeast(min, 1, "adaptive min");
            if (max < min) {
                throw new IllegalArgumentException("adaptive max must be at least min (" + min + "), got " + max);
            }
            this.adaptiveMin = min;
            this.adaptiveMax = max;
            return this;
        }

        /**
         * Called on the pool's sizing thread at every change of an {@link #adaptive()} pool's
         * target, with the new state and the reason; keep it short. Whatever it throws (an
         * {@link Error} too) is ignored.
         */
        public Builder adaptiveListener(Consumer<AdaptiveStats> listener) {
            this.adaptiveListener = Checks.notNull(listener, "adaptiveListener");
            return this;
        }

        /** Thread names become {@code <prefix>-<n>}; default {@code jpool-<pool>-<n>}. */
        public Builder threadNamePrefix(String prefix) {
            this.threadNamePrefix = Checks.notBlank(prefix, "threadNamePrefix", "give a name such as \"crawler\"");
            return this;
        }

        /** Runs once in each worker thread before its first task. */
        public Builder initializer(RunnableTask initializer) {
            this.initializer = Checks.notNull(initializer, "initializer");
            return this;
        }

        /**
         * Runs tasks on virtual threads (JDK 21+), still at most {@code maxWorkers} at once. On an
         * older JDK, {@link #build()} throws {@link IllegalStateException}.
         */
        public Builder virtualThreads(boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
            return this;
        }

        /**
         * Tasks waiting to start at most; submit blocks while it is full. Default unbounded. A
         * task of this pool that submits to it while it is full runs the new task itself, at once
         * (as {@code ThreadPoolExecutor.CallerRunsPolicy} does): if it waited, and every worker did
         * so, nothing would ever make room.
         */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = Checks.atLeast(capacity, 1, "queueCapacity");
            return this;
        }

        /** How long an idle thread waits for work before it retires; positive. Default 60 s. */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = Checks.positive(keepAlive, "keepAlive");
            return this;
        }

        /** Default time limit of every task ({@code null}: none); positive. */
        public Builder taskTimeout(Duration timeout) {
            this.taskTimeout = Durations.requirePositiveOrNull(timeout, "taskTimeout");
            return this;
        }

        /** Builds the pool. No thread starts until the first task is submitted. */
        public ThreadPool build() {
            if (virtualThreads && Runtime.version().feature() < 21) {
                throw new IllegalStateException("virtualThreads(true) needs JDK 21 or newer; this JVM is "
                        + Runtime.version() + ". Run on JDK 21+ or use platform threads.");
            }
            AdaptiveConfig adaptive = null;
            if (adaptiveMax > 0) {
                if (maxWorkersSet) {
                    throw new IllegalStateException("both maxWorkers(" + maxWorkers + ") and adaptive() were set: "
                            + "an adaptive pool's most workers is adaptive(min, max)'s max; choose one");
                }
                if (virtualThreads) {
                    throw new IllegalStateException("adaptive() measures each worker thread's CPU time, which "
                            + "virtual threads do not report: use platform threads, or a fixed maxWorkers");
                }
                if (!TaskSampler.supported()) {
                    throw new IllegalStateException("adaptive() needs thread CPU time, which this JVM does not "
                            + "measure (ThreadMXBean.isThreadCpuTimeEnabled() is false): enable it, or set maxWorkers");
                }
                adaptive = new AdaptiveConfig(adaptiveMin, adaptiveMax, adaptiveListener);
            } else if (adaptiveListener != null) {
                throw new IllegalStateException("adaptiveListener(...) was set but not adaptive(): "
                        + "call adaptive() or adaptive(min, max) too");
            }
            return new ThreadPoolImpl(new ThreadPoolConfig(adaptive != null ? adaptive.max() : maxWorkers,
                    threadNamePrefix, initializer, virtualThreads, queueCapacity, keepAlive, taskTimeout, adaptive));
        }
    }
}
