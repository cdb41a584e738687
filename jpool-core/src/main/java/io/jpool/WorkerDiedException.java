package io.jpool;

/**
 * The worker process running this task died: the message gives its pid, exit code or signal, the cause when known (out of memory, System.exit, a signal, a lost heartbeat) and the last lines of its stderr.
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
