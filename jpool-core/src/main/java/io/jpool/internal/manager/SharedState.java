package io.jpool.internal.manager;

/**
 * One shared object held by a manager. {@link #apply} runs one operation atomically; blocking
 * operations wait interruptibly and give up with {@link io.jpool.ManagerClosedException} once
 * {@link #close()} was called.
 */
interface SharedState {
    /**
     * @param owner who calls: {@code <connection>/<thread id>}, for lock ownership
     */
    Object apply(String op, Object[] args, String owner) throws Exception;

    /** Wakes every waiter with ManagerClosedException; later calls fail the same way. */
    void close();

    /** The connection {@code connectionPrefix} is gone: release what its threads held. */
    default void releaseOwnedBy(String connectionPrefix) {
    }

    static UnsupportedOperationException unknown(String kind, String op) {
        return new UnsupportedOperationException("no operation " + op + " on a shared " + kind);
    }
}
