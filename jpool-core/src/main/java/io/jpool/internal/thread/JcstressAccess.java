package io.jpool.internal.thread;

import io.jpool.ThreadPool;
import io.jpool.internal.future.TaskFuture;

import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * The thread pool's package-private concurrency parts, reachable by the jcstress tests
 * (module {@code io.jpool.jcstress}, the only module this package is exported to). Not an API.
 *
 * <h2>How it works</h2>
 * Each method or wrapper calls the real class's method and nothing else, so a jcstress test of a
 * wrapper tests the real code's memory effects: {@link Queue} holds one {@link TaskQueue} in a final
 * field, {@link Guard} one {@link ExitGuard}. A {@link PooledTask} is handed out as its public
 * supertype {@link TaskFuture}; the queue's {@code poll} returns the same object, so tests compare
 * tasks by identity.
 */
public final class JcstressAccess {
    private JcstressAccess() {
    }

    /**
     * A thread pool task of {@code pool} (null for none: its counters are not updated), with no time
     * limit, not queued; {@link #run} runs it as a worker would.
     */
    public static <T> TaskFuture<T> task(ThreadPool pool, Callable<T> body) {
        return PooledTask.of((ThreadPoolImpl) pool, body, null);
    }

    /** Runs {@code task} (one from {@link #task}) on this thread, as a worker runs a task it took. */
    public static void run(TaskFuture<?> task) {
        ((PooledTask<?>) task).run();
    }

    /** A fresh {@link TaskQueue}, the thread pool's array queue. */
    public static final class Queue {
        private final TaskQueue queue = new TaskQueue();

        /** {@code TaskQueue.offer}; {@code task} is one from {@link JcstressAccess#task}. */
        public void offer(TaskFuture<?> task) {
            queue.offer((PooledTask<?>) task);
        }

        /** {@code TaskQueue.poll}: the next task, or null if none is queued or being offered. */
        public TaskFuture<?> poll() {
            return queue.poll();
        }

        /** {@code TaskQueue.pollStored}: the next task if one is stored, else null. */
        public TaskFuture<?> pollStored() {
            return queue.pollStored();
        }

        /** {@code TaskQueue.isEmpty}. */
        public boolean isEmpty() {
            return queue.isEmpty();
        }
    }

    /** An {@link ExitGuard} whose handshake a test drives; it never starts a guard thread. */
    public static final class Guard {
        private final ExitGuard guard;

        /** A guard named {@code name}; {@code quiet} is true when no task is queued or running. */
        public Guard(String name, BooleanSupplier quiet) {
            this.guard = new ExitGuard(name, quiet);
        }

        /** {@code ExitGuard.markRunning}: as if a guard thread ran. */
        public void markRunning() {
            guard.markRunning();
        }

        /** {@code ExitGuard.claimForQueuedWork}: the submit's side of the handshake. */
        public boolean claimForQueuedWork() {
            return guard.claimForQueuedWork();
        }

        /** {@code ExitGuard.releaseUnlessWorkCame}: the guard's side of the handshake. */
        public boolean releaseUnlessWorkCame() {
            return guard.releaseUnlessWorkCame();
        }
    }
}
