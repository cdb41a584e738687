package io.jpool;

/** Where a worker process's stdout and stderr go. */
public enum WorkerOutput {
    /** To the caller's {@code System.out} / {@code System.err}, as they are. */
    INHERIT,
    /** To the caller's {@code System.out} / {@code System.err}, each line prefixed with the worker's pid. */
    PREFIXED,
    /** Nowhere (the last stderr lines are still kept for {@link WorkerDiedException}). */
    DISCARD,
    /**
     * To {@link System.Logger} {@code "io.jpool.worker"}, which SLF4J, Log4j and
     * {@code java.util.logging} bridge: each line as {@code "[worker <pid>] <line>"}, stdout at
     * {@code INFO} and stderr at {@code WARNING}.
     */
    LOGGER
}
