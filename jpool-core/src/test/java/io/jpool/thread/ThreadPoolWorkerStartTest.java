package io.jpool.thread;

import io.jpool.PoolFuture;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reusing a worker that is just finishing a task must not cost a later task its thread: with room
 * for more workers, tasks submitted at that moment still run at the same time. And in a full
 * pool, where submits made while a worker polls the queue wake nobody, that worker must wake
 * another for the tasks it does not take.
 */
class ThreadPoolWorkerStartTest {

    private static PoolFuture<String> meetingTask(ThreadPool pool, CyclicBarrier both) {
        return pool.submit(() -> {
            both.await(10, TimeUnit.SECONDS); // fails unless the other task runs at the same time
            return "met";
        });
    }

    /** Done-callbacks run in the completing worker, exactly while it is "almost free". */
    @Test
    void twoTasksSubmittedByADoneCallbackRunAtTheSameTime() throws Exception {
        try (ThreadPool pool = ThreadPool.create(2)) {
            CountDownLatch gate = new CountDownLatch(1);
            PoolFuture<Integer> first = pool.submit(() -> {
                gate.await();
                return 1;
            });
            CyclicBarrier both = new CyclicBarrier(2);
            CompletableFuture<List<PoolFuture<String>>> submitted = new CompletableFuture<>();
            first.addDoneCallback(f -> submitted.complete(List.of(meetingTask(pool, both), meetingTask(pool, both))));
            gate.countDown();
            for (PoolFuture<String> f : submitted.get(30, TimeUnit.SECONDS)) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("met");
            }
        }
    }

    /** The same window reached from outside: get() returns while the worker is still finishing. */
    @Test
    void twoTasksSubmittedRightAfterAResultRunAtTheSameTime() throws Exception {
        try (ThreadPool pool = ThreadPool.create(2)) {
            for (int i = 0; i < 300; i++) {
                pool.submit(() -> 1).get();
                CyclicBarrier both = new CyclicBarrier(2);
                PoolFuture<String> a = meetingTask(pool, both);
                PoolFuture<String> b = meetingTask(pool, both);
                assertThat(a.get(30, TimeUnit.SECONDS)).as("iteration %d", i).isEqualTo("met");
                assertThat(b.get(30, TimeUnit.SECONDS)).as("iteration %d", i).isEqualTo("met");
            }
        }
    }

    /**
     * A full pool of two, its workers idle (one of them polling the queue before it parks): two
     * tasks that can only finish together must both start, every time.
     */
    @Test
    void twoTasksSubmittedToAFullIdlePoolRunAtTheSameTime() throws Exception {
        try (ThreadPool pool = ThreadPool.create(2)) {
            for (int i = 0; i < 1_000; i++) {
                CyclicBarrier both = new CyclicBarrier(2);
                PoolFuture<String> a = meetingTask(pool, both);
                PoolFuture<String> b = meetingTask(pool, both);
                assertThat(a.get(30, TimeUnit.SECONDS)).as("iteration %d", i).isEqualTo("met");
                assertThat(b.get(30, TimeUnit.SECONDS)).as("iteration %d", i).isEqualTo("met");
                assertThat(pool.stats().workers()).isEqualTo(2);
            }
        }
    }

    /** The same after a burst of quick tasks, which leaves a worker polling a busy queue. */
    @Test
    void twoTasksSubmittedAfterABurstRunAtTheSameTime() throws Exception {
        try (ThreadPool pool = ThreadPool.create(2)) {
            for (int i = 0; i < 300; i++) {
                for (int k = 0; k < 50; k++) {
                    pool.submit(() -> 1);
                }
                CyclicBarrier both = new CyclicBarrier(2);
                PoolFuture<String> a = meetingTask(pool, both);
                PoolFuture<String> b = meetingTask(pool, both);
                assertThat(a.get(30, TimeUnit.SECONDS)).as("iteration %d", i).isEqualTo("met");
                assertThat(b.get(30, TimeUnit.SECONDS)).as("iteration %d", i).isEqualTo("met");
            }
        }
    }
}
