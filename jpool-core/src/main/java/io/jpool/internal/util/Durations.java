package io.jpool.internal.util;

import java.time.Duration;

/** Duration checks and conversions shared by the pools: one message for every bad timeout. */
public final class Durations {
    private Durations() {
    }

    /** Nanoseconds, saturating at Long.MAX_VALUE for huge durations. */
    public static long toNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * Checks a user-given time limit: null (no limit) or positive.
     *
     * @param what names the setting in the message, e.g. "task timeout"
     */
    public static Duration requirePositiveOrNull(Duration timeout, String what) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException(what + " must be positive (or null for no limit), got " + timeout);
        }
        return timeout;
    }
}
