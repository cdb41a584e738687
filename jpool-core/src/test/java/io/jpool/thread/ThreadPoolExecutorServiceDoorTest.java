package io.jpool.thread;

import io.jpool.PoolFuture;
import io.jpool.Task;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Code typed as {@link ExecutorService} (most code) goes through {@code submit(Callable)},
 * {@code submit(Runnable)}, {@code execute} and {@code invokeAll}: each must cost the submitting
 * thread no more than jpool's own {@code submit(Task)}. Measured as bytes the submitting thread
 * allocates per task (exact, unlike time on a shared machine): an adapter object per task is what
 * made those doors slower (one more object to allocate and, while the task waits, for the GC to copy).
 */
class ThreadPoolExecutorServiceDoorTest {
    private static final int TASKS = 200_000;
    private static final Task<Integer> TASK = () -> 1;
    private static final Callable<Integer> CALLABLE = () -> 1;
    private static final Runnable RUNNABLE = () -> { };

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private interface Door {
        void submitAll(ExecutorService pool, Future<?>[] into) throws Exception;
    }

    @Test
    void everyExecutorServiceDoorAllocatesNoMoreThanSubmitTask() throws Exception {
        try (ThreadPool pool = ThreadPool.create(2)) {
            LongAdder ran = new LongAdder();
            Runnable counted = ran::increment;
            Door task = (p, into) -> {
                for (int i = 0; i < into.length; i++) {
                    into[i] = ((ThreadPool) p).submit(TASK);
                }
            };
            Door callable = (p, into) -> {
                for (int i = 0; i < into.length; i++) {
                    into[i] = p.submit(CALLABLE);
                }
            };
            Door runnable = (p, into) -> {
                for (int i = 0; i < into.length; i++) {
                    into[i] = p.submit(RUNNABLE);
                }
            };
            Door execute = (p, into) -> {
                for (int i = 0; i < into.length; i++) {
                    p.execute(counted);
                }
            };
            List<Callable<Integer>> all = Collections.nCopies(TASKS, CALLABLE);
            Door invokeAll = (p, into) -> p.invokeAll(all).toArray(into);
            for (int warm = 0; warm < 2; warm++) { // the first round pays for class loading and the JIT
                for (Door d : List.of(task, callable, runnable, execute, invokeAll)) {
                    bytesPerTask(pool, d);
                }
            }
            double base = bytesPerTask(pool, task);
            // the smallest adapter object is 16 bytes a task; what is left of the lag's noise after
            // the least of five rounds stays under 12
            assertThat(bytesPerTask(pool, callable)).as("bytes per submit(Callable); submit(Task): %.1f", base)
                    .isLessThanOrEqualTo(base * 1.05 + 12);
            assertThat(bytesPerTask(pool, runnable)).as("bytes per submit(Runnable); submit(Task): %.1f", base)
                    .isLessThanOrEqualTo(base * 1.05 + 12);
            assertThat(bytesPerTask(pool, execute)).as("bytes per execute(Runnable); submit(Task): %.1f", base)
                    .isLessThanOrEqualTo(base * 1.05 + 12);
            // invokeAll also builds the list it returns: a reference per task more than the array here
            assertThat(bytesPerTask(pool, invokeAll)).as("bytes per task of invokeAll; submit(Task): %.1f", base)
                    .isLessThanOrEqualTo(base * 1.05 + 12 + 8);
        }
    }

    /**
     * Bytes the calling thread allocates per task submitted through {@code door}: the least of five
     * rounds, as how much the submitter allocates for the queue's growth and for starting workers
     * depends on how far the workers lag behind it, which a loaded machine varies and which says
     * nothing about the door.
     */
    private static double bytesPerTask(ThreadPool pool, Door door) throws Exception {
        double least = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            least = Math.min(least, bytesPerTaskOnce(pool, door));
        }
        return least;
    }

    private static double bytesPerTaskOnce(ThreadPool pool, Door door) throws Exception {
        Future<?>[] futures = new Future<?>[TASKS];
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        door.submitAll(pool, futures);
        long after = THREADS.getThreadAllocatedBytes(id);
        for (Future<?> f : futures) {
            if (f != null) {
                f.get();
            }
        }
        awaitIdle(pool);
        return (after - before) / (double) TASKS;
    }

    /** execute has no futures: wait until the pool has nothing queued or running. */
    private static void awaitIdle(ThreadPool pool) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pool.stats().queued() > 0 || pool.stats().busy() > 0) {
            PoolFuture<Integer> f = pool.submit(TASK); // queued behind the rest: when it is done, so are they
            f.get();
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("pool never went idle in 60 s: " + pool.stats());
            }
            Thread.yield(); // a worker that just finished decrements busy after completing its future
        }
    }
}
