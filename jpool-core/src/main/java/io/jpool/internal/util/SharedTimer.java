package io.jpool.internal.util;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of this JVM's jpool: it enforces every task's time limit, in every pool.
 * Its actions must be short (complete a future, signal a kill); anything slow hands off to
 * another thread. Cancelled actions are removed at once, so a million finished tasks leave no
 * garbage behind in its queue.
 *
 * <p>The done-callbacks of a future that ends on the timer (a task that timed out) are user code
 * that may block; run there, one slow callback would hold back every other deadline in the JVM,
 * and a hung task would outlive its limit. So a future ending on the timer gives its callbacks to
 * {@link #runCallbacks}: a daemon thread of their own each time (threads that idle a few seconds
 * end), named {@code jpool-timeout-callbacks-N}.
 */
public final class SharedTimer {
    private static final ThreadLocal<Boolean> ON_TIMER = ThreadLocal.withInitial(() -> false);
    private static final ScheduledThreadPoolExecutor TIMER = create();
    /** Runs the callbacks of futures that ended on the timer; a thread each, idle ones end after 5 s. */
    private static final ThreadPoolExecutor CALLBACKS = new ThreadPoolExecutor(0, Integer.MAX_VALUE,
            5, TimeUnit.SECONDS, new SynchronousQueue<>(), ThreadFactories.daemons("jpool-timeout-callbacks"));

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

    /** Runs the callbacks of a future that ended on the timer, away from it: see the class comment. */
    public static void runCallbacks(Runnable callbacks) {
        CALLBACKS.execute(callbacks);
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
