package io.jpool.internal.util;

import java.time.Duration;

/**
 * Argument checks for the builders' setters: one wording for every bad count, missing value or
 * blank name, each message naming the setting, what was wrong and the value given. Duration
 * checks are in {@link Durations}, beside the conversions.
 */
public final class Checks {
    private Checks() {
    }

    /** {@code value}, if at least {@code min}; else "{@code what} must be at least min, got value". */
    public static int atLeast(int value, int min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** {@link #atLeast(int, int, String)} for a long. */
    public static long atLeast(long value, long min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** {@code value}, if not null; else a NullPointerException "{@code what} is null". */
    public static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new NullPointerException(what + " is null");
        }
        return value;
    }

    /**
     * {@code value}, if not null and not blank; else "{@code what} is null", or
     * "{@code what} is blank: {@code whatToGive}".
     *
     * @param whatToGive tells the caller what a good value is, e.g. "give a name such as \"crawler\""
     */
    public static String notBlank(String value, String what, String whatToGive) {
        if (notNull(value, what).isBlank()) {
            throw new IllegalArgumentException(what + " is blank: " + whatToGive);
        }
        return value;
    }

    /** {@code value}, if not null and positive; else "{@code what} is null" or "... must be positive". */
    public static Duration positive(Duration value, String what) {
        if (notNull(value, what).isZero() || value.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }
}
