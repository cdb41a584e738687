package io.jpool.internal.util;

import java.time.Duration;

/**
 * Duration checks and conversions shared by the pools and the Manager: one message for every bad
 * timeout, and one saturating conversion for every deadline.
 *
 * <p>Deadlines are {@link System#nanoTime()} values, compared by subtraction
 * ({@code deadline - System.nanoTime() > 0}), which is right only while the wait is shorter than
 * 2<sup>63</sup> ns. A wait is therefore capped at {@link #MAX_WAIT_NANOS} (about 73 years), so
 * that a huge timeout, or {@code now + timeout} wrapping past {@code Long.MAX_VALUE}, never turns
 * into a deadline in the past.
 */
public final class Durations {
    /** The longest wait a deadline stands for: far longer than any program runs, and safe to add to now. */
    public static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4;

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

    /** Nanoseconds to wait for {@code timeout}: 0 for one not positive, at most {@link #MAX_WAIT_NANOS}. */
    public static long waitNanos(Duration timeout) {
        return Math.max(0L, Math.min(toNanos(timeout), MAX_WAIT_NANOS));
    }

    /**
     * The {@link System#nanoTime()} deadline {@code timeout} from now, the wait as
     * {@link #waitNanos}: a timeout not positive gives a deadline already reached.
     */
    public static long deadline(Duration timeout) {
        return System.nanoTime() + waitNanos(timeout);
    }

    /** {@link #deadline(Duration)} for a wait given in nanoseconds. */
    public static long deadlineAfterNanos(long nanos) {
        return System.nanoTime() + Math.max(0L, Math.min(nanos, MAX_WAIT_NANOS));
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
