package io.jpool;

/**
 * Stands in for a task's exception whose class cannot be loaded or deserialized in the caller:
 * it carries the original class name, message and the worker's stack trace (as text in the
 * message and as this exception's stack trace).
 */
public class RemoteTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String remoteClassName;

    public RemoteTaskException(String remoteClassName, String message, String remoteStackTrace) {
        super(remoteClassName + (message == null ? "" : ": " + message)
                + (remoteStackTrace == null || remoteStackTrace.isEmpty() ? "" : "\n[remote stack trace]\n" + remoteStackTrace));
        this.remoteClassName = remoteClassName;
    }

    /** The fully qualified name of the exception class thrown in the worker. */
    public String remoteClassName() {
        return remoteClassName;
    }
}
