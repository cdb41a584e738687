package io.jpool;

/**
 * The task ran past its time limit and was stopped: interrupted in a thread pool, killed with its worker in a process pool. Its future ends FAILED.
 */
public class TaskTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TaskTimeoutException(String message) {
        super(message);
    }

    public TaskTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
