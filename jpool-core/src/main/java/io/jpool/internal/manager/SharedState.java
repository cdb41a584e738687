package io.jpool.internal.manager;

/**
 * One shared object held by a manager. {@link #apply} runs one operation atomically; blocking
 * operations wait interruptibly and give up with {@link io.jpool.ManagerClosedException} once
 * {@link #close()} was called.
 */
interface SharedState {
    /**
     * Runs {@code op}, which is one of this state's kind's operations (the server checks that the
     * named object is of the operation's kind before it calls this).
     *
     * @param owner who calls: {@code <connection>/<thread id>}, for lock ownership
     */
    Object apply(Op op, Object[] args, String owner) throws Exception;

    /** Wakes every waiter with ManagerClosedException; later calls fail the same way. */
    void close();

    /** The connection {@code connectionPrefix} is gone: release what its threads held. */
    default void releaseOwnedBy(String connectionPrefix) {
    }
}
