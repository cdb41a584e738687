package io.jpool.internal.thread;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code shutdownNow} hands back for a submitted task that never started: its future (already
 * cancelled, so nothing waits on it for ever, and the {@code ThreadPoolExecutor} habit of casting
 * each to {@code Future} to cancel it still works), whose {@link #run} runs the task's code in the
 * calling thread, as a process pool's does, without changing the future. A task given to
 * {@code execute} comes back as the Runnable given.
 */
final class NeverStartedTask<T> implements RunnableFuture<T> {
    private final PooledTask<T> task;

    NeverStartedTask(PooledTask<T> task) {
        this.task = task;
    }

    @Override
    public void run() {
        try {
            task.callTask();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return task.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
        return task.isCancelled();
    }

    @Override
    public boolean isDone() {
        return task.isDone();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return task.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return task.get(timeout, unit);
    }

    @Override
    public String toString() {
        return "never started: " + task.task();
    }
}
