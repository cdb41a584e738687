package io.jpool;

import io.jpool.internal.thread.ThreadPoolConfig;
import io.jpool.internal.thread.ThreadPoolImpl;

import java.time.Duration;
import java.util.Objects;

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
 *       nested waits never deadlock the pool, even with one worker.</li>
 *   <li>A per-task time limit interrupts the task's thread at the deadline and fails its future
 *       with {@link TaskTimeoutException}. Java cannot stop a thread that ignores interrupts: such
 *       a task goes on running (and holds its worker) after its future has failed. Use a
 *       {@link ProcessPool} for code that must be stopped for sure.</li>
 *   <li>With {@link Builder#queueCapacity queueCapacity}, submit blocks while that many tasks
 *       wait to start (backpressure), instead of rejecting.</li>
 * </ul>
 */
public interface ThreadPool extends Pool {

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

        Builder() {
        }

        /** The most threads running tasks at once; at least 1. Default {@code min(32, cpus + 4)}. */
        public Builder maxWorkers(int maxWorkers) {
            if (maxWorkers < 1) {
                throw new IllegalArgumentException("maxWorkers must be at least 1, got " + maxWorkers);
            }
            this.maxWorkers = maxWorkers;
            return this;
        }

        /** Thread names become {@code <prefix>-<n>}; default {@code jpool-<pool>-<n>}. */
        public Builder threadNamePrefix(String prefix) {
            Objects.requireNonNull(prefix, "threadNamePrefix is null");
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("threadNamePrefix is blank: give a name such as \"crawler\"");
            }
            this.threadNamePrefix = prefix;
            return this;
        }

        /** Runs once in each worker thread before its first task. */
        public Builder initializer(RunnableTask initializer) {
            this.initializer = Objects.requireNonNull(initializer, "initializer is null");
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

        /** Tasks waiting to start at most; submit blocks while it is full. Default unbounded. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, got " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** How long an idle thread waits for work before it retires; positive. Default 60 s. */
        public Builder keepAlive(Duration keepAlive) {
            Objects.requireNonNull(keepAlive, "keepAlive is null");
            if (keepAlive.isZero() || keepAlive.isNegative()) {
                throw new IllegalArgumentException("keepAlive must be positive, got " + keepAlive);
            }
            this.keepAlive = keepAlive;
            return this;
        }

        /** Default time limit of every task ({@code null}: none); positive. */
        public Builder taskTimeout(Duration timeout) {
            if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
                throw new IllegalArgumentException("taskTimeout must be positive (or null for none), got " + timeout);
            }
            this.taskTimeout = timeout;
            return this;
        }

        /** Builds the pool. No thread starts until the first task is submitted. */
        public ThreadPool build() {
            if (virtualThreads && Runtime.version().feature() < 21) {
                throw new IllegalStateException("virtualThreads(true) needs JDK 21 or newer; this JVM is "
                        + Runtime.version() + ". Run on JDK 21+ or use platform threads.");
            }
            return new ThreadPoolImpl(new ThreadPoolConfig(maxWorkers, threadNamePrefix, initializer,
                    virtualThreads, queueCapacity, keepAlive, taskTimeout));
        }
    }
}
