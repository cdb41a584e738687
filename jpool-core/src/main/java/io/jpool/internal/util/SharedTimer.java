package io.jpool.internal.util;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of this JVM's jpool: it enforces every task's time limit, in every pool.
 * Its actions must be short (complete a future, signal a kill); anything slow hands off to
 * another thread. Cancelled actions are removed at once, so a million finished tasks leave no
 * garbage behind in its queue.
 */
public final class SharedTimer {
    private static final ThreadLocal<Boolean> ON_TIMER = ThreadLocal.withInitial(() -> false);
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private SharedTimer() {
    }

    /** Runs {@code action} on the timer thread after {@code nanos} (saturated far-future for huge values). */
    public static ScheduledFuture<?> schedule(Runnable action, long nanos) {
        return TIMER.schedule(action, Math.min(nanos, Long.MAX_VALUE / 2), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code action} on the timer thread after {@code delay}. */
    public static ScheduledFuture<?> schedule(Runnable action, Duration delay) {
        return schedule(action, Durations.toNanos(delay));
    }

    /**
     * True on the timer's thread: code there (a done-callback of a task that timed out) must not
     * wait for something that needs the timer, such as a pool's termination.
     */
    public static boolean isTimerThread() {
        return ON_TIMER.get();
    }

    private static ScheduledThreadPoolExecutor create() {
        java.util.concurrent.ThreadFactory named = ThreadFactories.daemons("jpool-timer");
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> named.newThread(() -> {
            ON_TIMER.set(true);
            r.run();
        }));
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}
