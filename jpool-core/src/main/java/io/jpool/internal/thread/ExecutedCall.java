package io.jpool.internal.thread;

import io.jpool.internal.util.Uncaught;

import java.util.concurrent.Callable;

/**
 * A Runnable given to {@code execute}, run so that what it throws reaches the running thread's
 * uncaught-exception handler as well as its (unseen) future: code that reaches a pool through a
 * plain {@code Executor} (a {@code CompletableFuture}'s async stages, a framework) holds no future
 * to ask, and a {@code ThreadPoolExecutor} reports such a failure the same way. The handler is the
 * thread's own, else its group's, which passes it to the default handler if one is set and else
 * prints it to standard error. The worker goes on.
 *
 * <p>As a Callable it is the adapter of an {@code execute}d task with a time limit; an untimed one
 * calls {@link #runReporting} from its own task class, with no adapter.
 */
final class ExecutedCall implements Callable<Object> {
    final Runnable command;

    ExecutedCall(Runnable command) {
        this.command = command;
    }

    @Override
    public Object call() {
        runReporting(command);
        return null;
    }

    /** Runs {@code command}; what it throws goes to this thread's handler, then on to the caller. */
    static void runReporting(Runnable command) {
        try {
            command.run();
        } catch (Throwable t) {
            Uncaught.report(t);
            throw t;
        }
    }
}
