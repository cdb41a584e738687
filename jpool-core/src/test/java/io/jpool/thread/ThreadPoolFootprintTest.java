package io.jpool.thread;

import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a task submitted through {@code ExecutorService.submit(Callable)} keeps alive, in bytes of
 * heap after a full collection (exact, unlike time on a shared machine): a program that holds a
 * million futures has the young collections copy every byte of them, and the first executor of a
 * fresh JVM pays for growing the heap to hold them. So jpool's task must be no bigger than
 * {@link ForkJoinPool}'s, measured here on the same JVM: a done future 32 bytes with compressed
 * references (header, state, outcome, listeners, task, runner), and a pending one 4 bytes more for
 * its slot in the queue's arrays. One more field, an adapter object around the Callable, or a
 * queue node per task would show here.
 */
class ThreadPoolFootprintTest {
    private static final int TASKS = 500_000;
    private static final Callable<Integer> NOOP = () -> 1;

    @Test
    void aHeldFutureKeepsNoMoreAliveThanForkJoinPoolsAndAPendingOneOnlyItsQueueSlotMore() throws Exception {
        double fjpDone = bytesPerDoneFuture(new ForkJoinPool(2));
        double jpoolDone = bytesPerDoneFuture(ThreadPool.create(2));
        double jpoolPending = bytesPerPendingFuture(ThreadPool.create(2));
        // a field more would be 8 bytes (objects are 8-byte aligned); 1 byte of slack for what
        // other threads of the JVM keep alive between the two readings
        assertThat(jpoolDone).as("bytes a done future keeps alive; ForkJoinPool's: %.1f", fjpDone)
                .isLessThanOrEqualTo(Math.max(32.0, fjpDone) + 1.0);
        assertThat(jpoolPending).as("bytes a pending future keeps alive, its queue slot included; a done one: %.1f",
                jpoolDone).isLessThanOrEqualTo(jpoolDone + 4.0 + 1.0);
    }

    /** Heap kept alive per future held in a list once its task ran; shuts {@code executor} down. */
    private static double bytesPerDoneFuture(ExecutorService executor) throws Exception {
        try {
            double least = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) { // the first also warms the code up
                List<Future<?>> held = new ArrayList<>(TASKS);
                long before = usedAfterFullGc();
                for (int i = 0; i < TASKS; i++) {
                    held.add(executor.submit(NOOP));
                }
                for (Future<?> f : held) {
                    f.get();
                }
                long after = usedAfterFullGc();
                least = Math.min(least, (after - before) / (double) TASKS);
                assertThat(held).hasSize(TASKS); // held until here
            }
            return least; // the list's array was made before the first reading: it is in both
        } finally {
            stop(executor);
        }
    }

    /**
     * Heap kept alive per future held while its task waits in the queue behind blocked workers:
     * the least of three rounds, as for done ones (another thread of the JVM may allocate between
     * the two readings of one round); shuts {@code pool} down.
     */
    private static double bytesPerPendingFuture(ThreadPool pool) throws Exception {
        try {
            double least = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                least = Math.min(least, pendingRound(pool));
            }
            return least;
        } finally {
            stop(pool);
        }
    }

    private static double pendingRound(ThreadPool pool) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try {
            CountDownLatch blocked = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                pool.submit(() -> {
                    blocked.countDown();
                    return release.await(120, TimeUnit.SECONDS);
                });
            }
            assertThat(blocked.await(60, TimeUnit.SECONDS)).as("both workers busy").isTrue();
            List<Future<?>> held = new ArrayList<>(TASKS);
            long before = usedAfterFullGc();
            for (int i = 0; i < TASKS; i++) {
                held.add(pool.submit(NOOP));
            }
            long after = usedAfterFullGc();
            assertThat(pool.stats().queued()).as("all still queued").isEqualTo(TASKS);
            release.countDown();
            for (Future<?> f : held) {
                f.get();
            }
            return (after - before) / (double) TASKS; // the list's array is in both readings, as above
        } finally {
            release.countDown();
        }
    }

    /** Heap in use after full collections (System.gc() is one with the JVM's default collector). */
    private static long usedAfterFullGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void stop(ExecutorService executor) throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(60, TimeUnit.SECONDS)).as("terminated").isTrue();
    }
}
