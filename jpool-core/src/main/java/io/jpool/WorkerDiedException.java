package io.jpool;

/**
 * The worker process running this task died: the message gives its pid, exit code or signal, the
 * cause when known (out of memory, {@code System.exit}, a signal, a lost channel to the pool) and
 * the last lines of its stderr. In a cluster pool: the member running it left or died (the
 * message names it), or no member was left to run it.
 */
public class WorkerDiedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WorkerDiedException(String message) {
        super(message);
    }

    public WorkerDiedException(String message, Throwable cause) {
        super(message, cause);
    }
}
