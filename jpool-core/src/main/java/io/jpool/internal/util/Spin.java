package io.jpool.internal.util;

import java.util.function.BooleanSupplier;

/**
 * Bounded busy-waiting, for the few places where a thread about to block expects its answer
 * within microseconds (a waiter in {@code get}, a Manager call, an idle worker): a thread still
 * awake when the answer comes saves a park and an unpark, which on a VM cost tens of
 * microseconds each. Never on a single CPU, where spinning only keeps the awaited thread from
 * running.
 */
public final class Spin {
    /** Whether spinning can pay off here at all: more than one CPU. */
    private static final boolean USEFUL = Runtime.getRuntime().availableProcessors() > 1;

    private Spin() {
    }

    /** {@code nanos} where spinning can pay off, else 0. */
    public static long nanos(long nanos) {
        return USEFUL ? nanos : 0L;
    }

    /**
     * Polls {@code done} until it is true or {@code nanos} have passed (the clock read once every
     * 64 polls); returns its last answer. Returns at once if {@code nanos <= 0}.
     */
    public static boolean until(BooleanSupplier done, long nanos) {
        if (done.getAsBoolean()) {
            return true;
        }
        if (nanos <= 0L) {
            return false;
        }
        long until = System.nanoTime() + nanos;
        for (int i = 1; !done.getAsBoolean(); i++) {
            Thread.onSpinWait();
            if ((i & 63) == 0 && System.nanoTime() - until >= 0L) {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /**
     * The pause between two polls of a loop that polls by system call (a socket or a pipe) until
     * {@code deadline} (a {@link System#nanoTime()} value), after poll number {@code i}: false,
     * and no pause, once the deadline has passed (the clock is read every eighth poll); else a spin
     * hint, and every eighth time a yield instead, so that a thread waiting for this CPU (often the
     * very one whose bytes the poll waits for) gets it.
     */
    public static boolean pauseBetweenPolls(int i, long deadline) {
        if ((i & 7) != 0) {
            Thread.onSpinWait();
            return true;
        }
        if (System.nanoTime() - deadline > 0) {
            return false;
        }
        Thread.yield();
        return true;
    }
}
