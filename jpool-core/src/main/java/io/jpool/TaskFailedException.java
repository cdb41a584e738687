package io.jpool;

/**
 * An item of a {@link Pool#map map} failed: thrown when iteration reaches it. The cause is the
 * task's own exception; {@link #index()} is the item's position in the input.
 */
public class TaskFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long index;

    public TaskFailedException(long index, Throwable cause) {
        super("map item " + index + " failed: " + cause, cause);
        this.index = index;
    }

    /** The failed item's zero-based position in the input. */
    public long index() {
        return index;
    }
}
