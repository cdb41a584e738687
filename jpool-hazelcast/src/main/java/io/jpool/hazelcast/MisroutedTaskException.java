package io.jpool.hazelcast;

/**
 * Thrown on a member by a {@link RemoteCall} that reached a member other than the one the pool
 * chose (a partition moved while the task was on its way): the task did not run there, and the
 * pool sends it again to a member it picks.
 */
final class MisroutedTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MisroutedTaskException(String message) {
        super(message, null, false, false);
    }
}
