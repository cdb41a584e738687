package io.jpool;

/**
 * The {@link Manager} behind a shared object is closed (or its process is gone): the call cannot
 * be served. Also thrown to callers blocked in the manager when it closes.
 */
public class ManagerClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ManagerClosedException(String message) {
        super(message);
    }

    public ManagerClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
