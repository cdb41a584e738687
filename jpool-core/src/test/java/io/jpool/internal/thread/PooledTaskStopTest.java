package io.jpool.internal.thread;

import io.jpool.PoolFuture;
import io.jpool.TaskTimeoutException;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running {@link PooledTask} ended by another thread: the runner must leave the task with no
 * interrupt of its own left over, whether the ending came with a stop (cancel(true), a timeout:
 * the runner is interrupted inside the task) or without one (a plain {@code fail}, as a broken
 * pool does to a task a waiting worker runs inline: nobody interrupts, so the runner must not
 * wait for one). Each runner is a thread of its own; the test waits on latches, never sleeps.
 */
class PooledTaskStopTest {
    private final ThreadPoolImpl pool = (ThreadPoolImpl) ThreadPool.create(1); // never starts a thread

    @AfterEach
    void closePool() {
        pool.shutdown(true, false);
    }

    /** The runner's thread: runs the task, then reports its interrupt flag. */
    private static final class Runner extends Thread {
        private final PooledTask<?> task;
        final AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();

        Runner(PooledTask<?> task) {
            super("pooled-task-runner");
            this.task = task;
            setDaemon(true);
        }

        @Override
        public void run() {
            task.run();
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        }
    }

    @RepeatedTest(20)
    void failWhileRunningWithoutStopLetsTheRunnerLeaveUninterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PooledTask<String> task = PooledTask.of(pool, () -> {
            started.countDown();
            release.await();
            return "finished";
        }, null);
        Runner runner = new Runner(task);
        runner.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        IllegalStateException broken = new IllegalStateException("pool broke");
        assertThat(task.fail(broken)).isTrue(); // ends it while RUNNING, and interrupts nobody
        release.countDown();
        runner.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(runner.isAlive()).as("the runner left the task").isFalse();
        assertThat(runner.interruptedAfter.get()).isFalse();
        assertThat(task.status()).isEqualTo(PoolFuture.Status.FAILED);
        assertThat(task.exceptionNow()).isSameAs(broken);
    }

    @RepeatedTest(20)
    void cancelWhileRunningInterruptsInsideTheTaskOnly() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interruptedInside = new AtomicBoolean();
        PooledTask<String> task = PooledTask.of(pool, () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // only an interrupt ends this
            } catch (InterruptedException e) {
                interruptedInside.set(true);
            }
            Thread.currentThread().interrupt(); // even if the task re-asserts it, it must not leak
            return "ignored";
        }, null);
        Runner runner = new Runner(task);
        runner.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(task.cancel(true)).isTrue();
        runner.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(runner.isAlive()).isFalse();
        assertThat(interruptedInside).isTrue();
        assertThat(runner.interruptedAfter.get()).as("interrupt left on the runner").isFalse();
        assertThat(task.status()).isEqualTo(PoolFuture.Status.CANCELLED);
    }

    @Test
    void timeoutInterruptsTheRunnerAndFailsTheTask() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interruptedInside = new AtomicBoolean();
        PooledTask<String> task = PooledTask.of(pool, () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interruptedInside.set(true);
            }
            return "too late";
        }, Duration.ofMillis(50));
        Runner runner = new Runner(task);
        runner.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        runner.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(runner.isAlive()).isFalse();
        assertThat(interruptedInside).isTrue();
        assertThat(runner.interruptedAfter.get()).isFalse();
        assertThat(task.status()).isEqualTo(PoolFuture.Status.FAILED);
        assertThat(task.exceptionNow()).isInstanceOf(TaskTimeoutException.class)
                .hasMessageContaining("time limit of PT0.05S");
    }

    @Test
    void aTaskWithoutTimeLimitCarriesNoTimeoutField() {
        assertThat(PooledTask.of(pool, () -> 1, null).timeout()).isNull();
        assertThat(PooledTask.of(pool, () -> 1, Duration.ofSeconds(3)).timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(PooledTask.of(pool, () -> 1, null).getClass()).isEqualTo(PooledTask.class);
    }
}
