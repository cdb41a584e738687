package io.jpool.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.TaskTimeoutException;
import io.jpool.ThreadPool;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A done-callback of a task that timed out may block (user code): it must not hold back the time
 * limit of any other task, in this pool or another. Every pool's limits share one timer thread,
 * which ends a timed-out task's future; its callbacks used to run right there.
 */
@Timeout(120)
class TimeoutCallbackTest {

    @Test
    void aBlockingCallbackOfATimedOutTaskDelaysNoOtherTimeLimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch callbackBlocking = new CountDownLatch(1);
        AtomicReference<String> callbackThread = new AtomicReference<>();
        try (ThreadPool first = ThreadPool.builder().maxWorkers(1).build();
             ThreadPool second = ThreadPool.builder().maxWorkers(1).build()) {
            timeOutWithABlockingCallback(first, callbackThread, callbackBlocking, release);
            assertThat(callbackBlocking.await(30, TimeUnit.SECONDS)).as("the timed-out task's callback ran").isTrue();
            try {
                PoolFuture<Object> hung = second.submit(() -> {
                    Thread.sleep(60_000);
                    return null;
                }, Duration.ofMillis(200));
                // the old code ran the blocking callback on the timer: this limit fired only once it returned
                assertThatThrownBy(() -> hung.get(20, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TaskTimeoutException.class);
                assertThat(callbackThread.get()).startsWith("jpool-timeout-callbacks");
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void aHungProcessTaskIsKilledAtItsDeadlineWhileATimedOutTasksCallbackBlocks() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch callbackBlocking = new CountDownLatch(1);
        try (ThreadPool threads = ThreadPool.builder().maxWorkers(1).build();
             ProcessPool processes = ProcessPool.builder().maxWorkers(1).build()) {
            processes.submit(() -> 1).get(60, TimeUnit.SECONDS); // the worker is up: the limit below is the task's alone
            timeOutWithABlockingCallback(threads, new AtomicReference<>(), callbackBlocking, release);
            assertThat(callbackBlocking.await(30, TimeUnit.SECONDS)).isTrue();
            try {
                PoolFuture<Object> hung = processes.submit(() -> {
                    while (true) {
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException ignored) {
                            // a hung task ignores interrupts: only the kill at its deadline ends it
                        }
                    }
                }, Duration.ofMillis(300));
                assertThatThrownBy(() -> hung.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TaskTimeoutException.class);
                assertThat(processes.submit(() -> 2).get(60, TimeUnit.SECONDS)).isEqualTo(2);
            } finally {
                release.countDown();
            }
        }
    }

    /**
     * Submits to {@code pool} (of one worker) a task that times out after 100 ms, with a
     * done-callback that records its thread's name, counts down {@code callbackBlocking} and
     * blocks until {@code release}. The worker is held until the callback is in place: a limit
     * counts from the task's start, so a stalled test thread cannot find the task already timed out.
     */
    private static void timeOutWithABlockingCallback(ThreadPool pool, AtomicReference<String> callbackThread,
                                                     CountDownLatch callbackBlocking, CountDownLatch release) {
        CountDownLatch gate = new CountDownLatch(1);
        pool.submit(() -> {
            gate.await();
            return null;
        });
        pool.submit(() -> {
            Thread.sleep(60_000);
            return null;
        }, Duration.ofMillis(100)).addDoneCallback(f -> {
            callbackThread.set(Thread.currentThread().getName());
            callbackBlocking.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        gate.countDown();
    }
}
