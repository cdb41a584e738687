package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A member's start reports, sent a moment after a task starts and only if it is still running
 * then: a report per task would cost a tiny task one more message (about a third of its round
 * trip), while its result tells the caller as much. One timer thread per JVM, started on demand
 * and gone after a second without tasks.
 */
final class StartSignals {
    /** How long a task runs before its start is reported. */
    static final long DELAY_MICROS = 1_000;

    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "jpool-member-start-signals");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
        TIMER.setKeepAliveTime(1, TimeUnit.SECONDS);
        TIMER.allowCoreThreadTimeOut(true);
    }

    private StartSignals() {
    }

    /** Reports task {@code id} started on {@code topic} after {@link #DELAY_MICROS}; cancel it when the task ends. */
    static ScheduledFuture<?> schedule(HazelcastInstance member, String topic, long id) {
        return TIMER.schedule(() -> {
            if (member.getLifecycleService().isRunning()) {
                member.<Long>getTopic(topic).publishAsync(id);
            }
        }, DELAY_MICROS, TimeUnit.MICROSECONDS);
    }
}
