package io.jpool;

/**
 * A caller's wait in map or asCompleted passed its deadline. Only the wait ends: the tasks go on (close the MapResult to cancel them).
 */
public class WaitTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WaitTimeoutException(String message) {
        super(message);
    }

    public WaitTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
