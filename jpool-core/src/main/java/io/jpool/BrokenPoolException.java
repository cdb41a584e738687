package io.jpool;

/**
 * The pool can no longer run tasks (for example its initializer failed or its workers cannot start). Pending futures fail with it and submit rejects with it.
 */
public class BrokenPoolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokenPoolException(String message) {
        super(message);
    }

    public BrokenPoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
