package io.jpool;

/** When {@link Futures#waitFor} returns: Python's {@code return_when}. */
public enum ReturnWhen {
    /** As soon as any future is done (succeeded, failed or cancelled). */
    FIRST_COMPLETED,
    /** As soon as any future fails; if none fails, when all are done. */
    FIRST_EXCEPTION,
    /** When all futures are done. */
    ALL_COMPLETED
}
