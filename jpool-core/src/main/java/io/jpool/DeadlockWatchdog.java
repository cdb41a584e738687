package io.jpool;

import io.jpool.internal.util.ThreadFactories;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reports threads of this JVM that are deadlocked, with their stacks: what to reach for when a
 * pool stops making progress. It is Java's counterpart of Python's
 * {@code faulthandler.dump_traceback_later}, narrowed to what is certainly stuck: threads that
 * wait, in a cycle, for monitors ({@code synchronized}) or {@code java.util.concurrent} locks held
 * by each other ({@link ThreadMXBean#findDeadlockedThreads}).
 *
 * <pre>{@code
 * try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofSeconds(10), System.err::println)) {
 *     ... run the pool ...
 * }
 * DeadlockWatchdog.findDeadlocks().ifPresent(System.err::println);   // or look once, now
 * }</pre>
 *
 * <p>It reports; it does not break the deadlock. A thread blocked in {@code synchronized} cannot
 * be freed at all; one blocked in {@code Lock.lockInterruptibly()} is freed by an interrupt
 * ({@code cancel(true)} or {@code shutdownNow()} on its task's pool). A task in a
 * {@link ProcessPool} runs in another JVM: start a watchdog there from the pool's
 * {@code initializer} (its report goes to the worker's stderr, which the pool forwards), and give
 * the pool a {@code taskTimeout}, which kills a stuck worker.
 *
 * <p>How it works: a daemon thread named {@code jpool-deadlock-watchdog} asks the
 * {@link ThreadMXBean} every {@code period}; the threads of a deadlock are reported once, the first
 * time they are seen in it.
 */
public final class DeadlockWatchdog implements AutoCloseable {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);

    private DeadlockWatchdog(Duration period, Consumer<String> onDeadlock) {
        long periodNanos = period.toNanos();
        thread = ThreadFactories.daemon("jpool-deadlock-watchdog", () -> watch(periodNanos, onDeadlock));
    }

    /**
     * Starts a watchdog that looks for deadlocked threads every {@code period} and passes each new
     * deadlock's report (as {@link #findDeadlocks()} writes it) to {@code onDeadlock}, on the
     * watchdog's own thread. A callback that throws is logged and the watchdog goes on.
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public static DeadlockWatchdog start(Duration period, Consumer<String> onDeadlock) {
        Objects.requireNonNull(period, "period is null: give how often to look, e.g. Duration.ofSeconds(10)");
        Objects.requireNonNull(onDeadlock, "onDeadlock is null: give where reports go, e.g. System.err::println");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, got " + period
                    + ": give how often to look, e.g. Duration.ofSeconds(10)");
        }
        DeadlockWatchdog w = new DeadlockWatchdog(period, onDeadlock);
        w.thread.start();
        return w;
    }

    /**
     * Looks once, now: a report of the threads deadlocked at this moment, each with the lock it
     * waits for, the thread holding that lock, the locks it holds and its whole stack; empty if
     * there are none.
     */
    public static Optional<String> findDeadlocks() {
        long[] ids = deadlockedIds();
        return ids.length == 0 ? Optional.empty() : Optional.of(report(ids));
    }

    /** Stops the watchdog and waits (briefly) for its thread to end. Idempotent. */
    @Override
    public void close() {
        stop.countDown();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void watch(long periodNanos, Consumer<String> onDeadlock) {
        Set<Long> reported = new HashSet<>();
        try {
            while (!stop.await(periodNanos, TimeUnit.NANOSECONDS)) {
                long[] ids = deadlockedIds();
                Set<Long> now = new HashSet<>();
                boolean fresh = false;
                for (long id : ids) {
                    now.add(id);
                    fresh |= !reported.contains(id);
                }
                reported.retainAll(now); // a thread freed and caught again later is reported again
                if (fresh) {
                    reported.addAll(now);
                    try {
                        onDeadlock.accept(report(ids));
                    } catch (RuntimeException e) {
                        System.getLogger("io.jpool").log(System.Logger.Level.WARNING,
                                "deadlock watchdog callback threw", e);
                    }
                }
            }
        } catch (InterruptedException e) {
            // interrupted: stop watching
        }
    }

    private static long[] deadlockedIds() {
        long[] ids = THREADS.isSynchronizerUsageSupported()
                ? THREADS.findDeadlockedThreads() : THREADS.findMonitorDeadlockedThreads();
        return ids == null ? new long[0] : ids;
    }

    private static String report(long[] ids) {
        ThreadInfo[] infos = THREADS.getThreadInfo(ids, THREADS.isObjectMonitorUsageSupported(),
                THREADS.isSynchronizerUsageSupported());
        StringBuilder sb = new StringBuilder("deadlock: ").append(ids.length).append(" threads wait for each other\n");
        for (ThreadInfo info : infos) {
            if (info == null) {
                continue; // ended since it was found
            }
            sb.append('"').append(info.getThreadName()).append("\" id=").append(info.getThreadId())
                    .append(' ').append(info.getThreadState());
            if (info.getLockInfo() != null) {
                sb.append(" waiting for ").append(info.getLockInfo());
            }
            if (info.getLockOwnerName() != null) {
                sb.append(" held by \"").append(info.getLockOwnerName()).append("\" id=").append(info.getLockOwnerId());
            }
            sb.append('\n');
            MonitorInfo[] monitors = info.getLockedMonitors();
            StackTraceElement[] stack = info.getStackTrace();
            for (int depth = 0; depth < stack.length; depth++) {
                sb.append("\tat ").append(stack[depth]).append('\n');
                for (MonitorInfo m : monitors) {
                    if (m.getLockedStackDepth() == depth) {
                        sb.append("\t- locked ").append(m).append('\n');
                    }
                }
            }
            LockInfo[] synchronizers = info.getLockedSynchronizers();
            if (synchronizers.length > 0) {
                sb.append("\tholds ").append(Arrays.toString(synchronizers)).append('\n');
            }
        }
        return sb.toString();
    }
}
