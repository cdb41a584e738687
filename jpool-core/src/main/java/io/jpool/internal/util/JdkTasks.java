package io.jpool.internal.util;

import io.jpool.Task;

import java.util.concurrent.Callable;

/**
 * JDK {@link Callable}s and {@link Runnable}s as jpool {@link Task}s, and the way back for messages:
 * an adapter is serializable exactly when what it wraps is, and prints as what it wraps.
 */
public final class JdkTasks {
    private JdkTasks() {
    }

    /** {@code c} as a Task. */
    public static <T> Task<T> of(Callable<T> c) {
        return new CallableAdapter<>(c);
    }

    /** {@code r} as a Task that returns {@code result}. */
    public static <T> Task<T> of(Runnable r, T result) {
        return new RunnableAdapter<>(r, result);
    }

    /**
     * The JDK {@link Callable} or {@link Runnable} that {@code task} adapts, or null if
     * {@code task} was submitted as a jpool task itself; for error messages.
     */
    public static Object adaptedFrom(Object task) {
        if (task instanceof CallableAdapter) {
            return ((CallableAdapter<?>) task).callable;
        }
        return task instanceof RunnableAdapter ? ((RunnableAdapter<?>) task).runnable : null;
    }

    /** A JDK Callable as a Task; serializable exactly when the Callable is. */
    private static final class CallableAdapter<T> implements Task<T> {
        private static final long serialVersionUID = 1L;
        final Callable<T> callable;

        CallableAdapter(Callable<T> callable) {
            this.callable = callable;
        }

        @Override
        public T call() throws Exception {
            return callable.call();
        }

        @Override
        public String toString() {
            return callable.toString();
        }
    }

    /** A Runnable (JDK or jpool) as a Task returning a fixed result. */
    private static final class RunnableAdapter<T> implements Task<T> {
        private static final long serialVersionUID = 1L;
        final Runnable runnable;
        final T result;

        RunnableAdapter(Runnable runnable, T result) {
            this.runnable = runnable;
            this.result = result;
        }

        @Override
        public T call() {
            runnable.run();
            return result;
        }

        @Override
        public String toString() {
            return runnable.toString();
        }
    }
}
