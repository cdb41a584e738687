package io.jpool.internal.pool;

import io.jpool.BrokenPoolException;
import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.Pool;
import io.jpool.PoolFuture;
import io.jpool.RunnableTask;
import io.jpool.Task;
import io.jpool.TaskFunction;
import io.jpool.internal.future.CompletionWaiter;
import io.jpool.internal.util.Durations;
import io.jpool.internal.util.JdkTasks;
import io.jpool.internal.util.Uncaught;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every pool shares: the {@link java.util.concurrent.ExecutorService} surface, {@code map}
 * and {@code close}, all written in terms of the one primitive a pool implements,
 * {@link #submit(Task, Duration)}, plus its shutdown methods.
 *
 * <p>JDK {@link Callable}s and {@link Runnable}s are adapted into {@link Task}s; for a process
 * pool they must be serializable like any task, and the pool's submit says so when they are not.
 *
 * <p>Every submit starts with {@link #checkSubmit} (or, for a task the pool made itself, with
 * {@link #rejectIfClosed}), so both pools reject the same inputs with the same words. A pool
 * says whether it is closed through {@link #brokenBy()} and {@link #isShutdown()}; both are
 * plain reads of its own fields, and the calls inline into the pool's final class.
 */
public abstract class AbstractPool implements Pool {

    /** Opens once the pool is shut down with nothing left to run: {@link #terminate()}. */
    private final CountDownLatch terminated = new CountDownLatch(1);

    /** The pool's default {@code map} buffer (chunks in flight), a small multiple of its workers. */
    protected abstract int defaultMapBufferSize();

    /**
     * What broke the pool (a failing initializer, workers that cannot start), or null while it
     * is not broken; null by default, for a pool that cannot break. Read without a lock: a submit
     * that misses a break just now is failed by the pool's own re-check once its task is queued.
     */
    protected BrokenPoolException brokenBy() {
        return null;
    }

    /**
     * The checks every submit starts with: the task is not null, its time limit is null or
     * positive, and the pool takes new tasks ({@link #rejectIfClosed()}).
     *
     * @param timeout the time limit given with this task, or null for the pool's default
     */
    protected final void checkSubmit(Object task, Duration timeout) {
        if (task == null) {
            throw new NullPointerException("task is null");
        }
        Durations.requirePositiveOrNull(timeout, "task timeout");
        rejectIfClosed();
    }

    /**
     * Throws if the pool takes no new task: once broken, a new {@link BrokenPoolException} with
     * the breaking one's message and cause (its stack trace then shows this caller), else once
     * shut down, a {@link RejectedExecutionException}.
     */
    protected final void rejectIfClosed() {
        BrokenPoolException b = brokenBy();
        if (b != null) {
            throw new BrokenPoolException(b.getMessage(), b.getCause());
        }
        if (isShutdown()) {
            throw new RejectedExecutionException("the pool is shut down: it takes no new tasks (create a new pool)");
        }
    }

    /** Marks the pool terminated (idempotent) and wakes everyone waiting for it. */
    protected final void terminate() {
        terminated.countDown();
    }

    /** Waits until the pool is terminated, ignoring interrupts but keeping the thread's flag. */
    protected final void awaitTerminationUninterruptibly() {
        boolean interrupted = false;
        for (;;) {
            try {
                terminated.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public final boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public final boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        requireUnit(unit);
        return terminated.await(timeout, unit);
    }

    @Override
    public <T> PoolFuture<T> submit(Task<T> task) {
        return submit(task, (Duration) null);
    }

    @Override
    public PoolFuture<Void> submit(RunnableTask task) {
        Objects.requireNonNull(task, "task is null");
        return submit(JdkTasks.of(task, (Void) null), (Duration) null);
    }

    @Override
    public <T> PoolFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task is null");
        return submit(asTask(task), (Duration) null);
    }

    @Override
    public PoolFuture<?> submit(Runnable task) {
        return submit(task, null);
    }

    @Override
    public <T> PoolFuture<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task is null");
        return submit(JdkTasks.of(task, result), (Duration) null);
    }

    /**
     * Nobody holds the future of a task given to {@code execute}, so a failure also goes to the
     * uncaught-exception handler of the thread that learns of it, as a {@code ThreadPoolExecutor}'s
     * does (the thread pool reports it from the task's own thread).
     */
    @Override
    public void execute(Runnable command) {
        submit(command).addDoneCallback(f -> {
            if (f.status() == PoolFuture.Status.FAILED) {
                Uncaught.report(f.exceptionNow());
            }
        });
    }

    @Override
    public <A, R> MapResult<R> map(TaskFunction<? super A, ? extends R> fn, Iterable<? extends A> items) {
        return map(fn, items, MapOptions.defaults());
    }

    @Override
    public <A, R> MapResult<R> map(TaskFunction<? super A, ? extends R> fn, Iterable<? extends A> items,
                                   MapOptions options) {
        return new LazyMap<A, R>(this::submitChunk, fn, items, options, defaultMapBufferSize());
    }

    /** Submits one map chunk; a pool may override it to send chunks its own way. */
    protected PoolFuture<Object[]> submitChunk(MapChunk<?, ?> chunk) {
        return submit(chunk, (Duration) null);
    }

    @Override
    public void shutdown() {
        shutdown(false, false);
    }

    @Override
    public void close() {
        shutdown(true, false);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        requireTasks(tasks);
        List<Future<T>> futures = new ArrayList<>(submitAll(tasks));
        try {
            for (Future<T> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException | CancellationException ignored) {
                    // reported through the future
                }
            }
            return futures;
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        requireTasks(tasks);
        requireUnit(unit);
        long deadline = Durations.deadlineAfterNanos(unit.toNanos(timeout));
        List<Future<T>> futures = new ArrayList<>(submitAll(tasks));
        try {
            for (Future<T> f : futures) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    f.get(left, TimeUnit.NANOSECONDS);
                } catch (ExecutionException | CancellationException ignored) {
                    // reported through the future
                } catch (TimeoutException e) {
                    break;
                }
            }
        } finally {
            for (Future<T> f : futures) {
                if (!f.isDone()) {
                    f.cancel(true);
                }
            }
        }
        return futures;
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return doInvokeAny(tasks, null);
        } catch (TimeoutException impossible) {
            throw new AssertionError(impossible);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        requireUnit(unit);
        return doInvokeAny(tasks, Duration.ofNanos(unit.toNanos(timeout)));
    }

    private <T> T doInvokeAny(Collection<? extends Callable<T>> tasks, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        requireTasks(tasks);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        // if a later task is rejected (null, pool shut down), the ones already submitted, which
        // nobody else holds, are cancelled
        List<PoolFuture<T>> futures = submitAll(tasks);
        ExecutionException last = null;
        try {
            for (PoolFuture<T> f : CompletionWaiter.asCompleted(futures, timeout)) {
                try {
                    return f.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException("task was cancelled", e);
                }
            }
            throw last;
        } catch (io.jpool.WaitTimeoutException e) {
            throw new TimeoutException("no task of invokeAny succeeded within " + timeout);
        } finally {
            for (PoolFuture<T> f : futures) {
                f.cancel(true);
            }
        }
    }

    private static void requireTasks(Collection<?> tasks) {
        Objects.requireNonNull(tasks, "tasks is null: pass a collection of Callables (it may be empty for invokeAll)");
    }

    private static void requireUnit(TimeUnit unit) {
        Objects.requireNonNull(unit, "time unit is null: pass one such as TimeUnit.SECONDS");
    }

    /** Submits every task; if one is rejected, cancels those already submitted and rethrows. */
    private <T> List<PoolFuture<T>> submitAll(Collection<? extends Callable<T>> tasks) {
        List<PoolFuture<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> c : tasks) {
                futures.add(submit(c));
            }
        } catch (RuntimeException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return futures;
    }

    @SuppressWarnings("unchecked")
    private static <T> Task<T> asTask(Callable<T> c) {
        return c instanceof Task ? (Task<T>) c : JdkTasks.of(c);
    }

    /**
     * The JDK {@code Callable} or {@code Runnable} that {@code task} adapts, or null if it was
     * submitted as a jpool task itself: for a pool kind that sends tasks elsewhere and would rather
     * send what the user gave.
     */
    protected static Object adaptedFrom(Object task) {
        return JdkTasks.adaptedFrom(task);
    }
}
