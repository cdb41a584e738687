package io.jpool.internal.process;

import io.jpool.ProcessPool;

import java.nio.file.Path;

/**
 * The one door through which tests outside this package look inside a {@link ProcessPool}: the
 * pool's private directory, how its channels are carried, how many tasks it re-ran. It lives with
 * the tests, so production code offers these only as package-private diagnostics of
 * {@link ProcessPoolImpl} and no test needs to name the implementation class.
 */
public final class ProcessPoolProbe {
    private ProcessPoolProbe() {
    }

    /** The pool's private directory (its workers' pipes, or socket), or null before its first worker started. */
    public static Path channelDirectory(ProcessPool pool) {
        return impl(pool).channelDirectory();
    }

    /** How many live workers' channels moved from pipes to the pool's socket. */
    public static int workersOnSocket(ProcessPool pool) {
        return impl(pool).workersOnSocket();
    }

    /** How many times a task was re-queued to run again after its worker died. */
    public static long tasksRetried(ProcessPool pool) {
        return impl(pool).tasksRetried();
    }

    /** How many map items (a plain task counts as one) were re-queued to run again. */
    public static long itemsRetried(ProcessPool pool) {
        return impl(pool).itemsRetried();
    }

    private static ProcessPoolImpl impl(ProcessPool pool) {
        if (!(pool instanceof ProcessPoolImpl)) {
            throw new IllegalArgumentException("not a pool built by ProcessPool.builder(): " + pool);
        }
        return (ProcessPoolImpl) pool;
    }
}
