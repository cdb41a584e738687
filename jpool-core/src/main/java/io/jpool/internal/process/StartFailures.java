package io.jpool.internal.process;

import java.util.concurrent.TimeUnit;

/**
 * Decides when failed worker starts break a pool.
 *
 * <h2>How it works</h2>
 * A worker killed from outside while it starts (a signal, the OOM killer) is simply replaced, as
 * is one that dies later, and does not count as a failed start. The pool breaks only when its
 * initializer failed, {@link #IN_A_ROW_TO_BREAK} starts failed in a row with no successful start
 * since (a bad option, a missing class path), or starts kept failing, killed ones included, for
 * {@link #KILLED_NANOS_TO_BREAK} with none succeeding: workers killed at every start (a memory
 * limit below what they need) must not keep the pool starting JVMs for ever. Guarded by the
 * pool's lock.
 */
final class StartFailures {
    /** Starts that fail in a row, with no successful one since, before the pool breaks. */
    static final int IN_A_ROW_TO_BREAK = 3;
    /** How long workers may keep being killed while they start, none starting, before the pool breaks. */
    static final long KILLED_NANOS_TO_BREAK = TimeUnit.SECONDS.toNanos(60);

    /** Failed starts in a row, killed ones left out. */
    private int inARow;
    /** Failed starts in a row, killed ones included, and when the first of them failed. */
    private int killedInARow;
    private long killedSince;

    /** A worker started: the streak ends. */
    void started() {
        inARow = 0;
        killedInARow = 0;
    }

    /**
     * Counts a failed start and says what it means: null if the pool may start another worker in
     * its place, else the message the pool breaks with.
     *
     * @param killed it was killed from outside while it started
     * @param fatal  the pool's initializer failed: the pool breaks at once
     */
    String failed(boolean killed, boolean fatal, String message) {
        if (!killed) {
            inARow++;
        }
        if (killedInARow++ == 0) {
            killedSince = System.nanoTime();
        }
        if (fatal) {
            return message;
        }
        if (!killed) {
            return inARow < IN_A_ROW_TO_BREAK ? null : message;
        }
        long failingFor = System.nanoTime() - killedSince;
        if (killedInARow >= IN_A_ROW_TO_BREAK && failingFor > KILLED_NANOS_TO_BREAK) {
            return "worker JVMs keep being killed while they start (" + killedInARow + " in a row, none started for "
                    + failingFor / 1_000_000_000L + " s; a memory limit, the OOM killer?): the last one: " + message;
        }
        return null;
    }
}
