package io.jpool.bench;

import io.jpool.Task;
import io.jpool.ThreadPool;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The four executors the thread benchmarks compare, by the name used in the {@code executor}
 * benchmark parameter, each with {@code threads} workers: {@code jpool} ({@link ThreadPool}),
 * {@code tpe} (a fixed {@link ThreadPoolExecutor} on a {@link LinkedBlockingQueue}, as
 * {@code Executors.newFixedThreadPool}), {@code fjp} ({@link ForkJoinPool}, external submits) and
 * {@code vthreads} (a virtual thread per task, JDK 21+, unbounded by nature).
 *
 * <p>Each comes with a {@link Submitter} that submits a no-op through the executor's most direct
 * API (jpool's {@code submit(Task)}, the JDK's {@code submit(Callable)}), so no benchmark pays
 * for an adapter the others do not.
 */
public final class Executors4 {
    /** A no-op returning a constant; a {@link Task} so jpool takes it without adapting. */
    static final Task<Integer> NOOP = () -> 1;
    /** The same no-op as a plain {@link Callable} for the JDK executors. */
    static final Callable<Integer> NOOP_CALLABLE = () -> 1;

    /** Submits one no-op and returns its future. */
    @FunctionalInterface
    public interface Submitter {
        Future<Integer> submitNoop();
    }

    private Executors4() {
    }

    /** A new executor of the named kind with {@code threads} workers. */
    public static ExecutorService create(String kind, int threads) {
        switch (kind) {
            case "jpool":
                return ThreadPool.create(threads);
            case "tpe":
                return new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            case "fjp":
                return new ForkJoinPool(threads);
            case "vthreads":
                return VirtualThreads.newPerTaskExecutor();
            default:
                throw new IllegalArgumentException("unknown executor '" + kind + "': jpool, tpe, fjp or vthreads");
        }
    }

    /** The no-op submitter for {@code executor}. */
    public static Submitter submitter(ExecutorService executor) {
        if (executor instanceof ThreadPool) {
            ThreadPool pool = (ThreadPool) executor;
            return () -> pool.submit(NOOP);
        }
        return () -> executor.submit(NOOP_CALLABLE);
    }

    /** Shuts {@code executor} down and waits for it (bounded). */
    public static void stop(ExecutorService executor) throws InterruptedException {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
    }
}
