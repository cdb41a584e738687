package io.jpool.internal.process;

/**
 * A frame from a worker that breaks the protocol (too short, of an unknown type, a reply for a
 * task it does not run): the pool kills that worker as faulty rather than guess what it meant.
 */
final class CorruptFrame extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptFrame(String message) {
        super(message, null, false, false);
    }
}
