package io.jpool.thread;

import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.jpool.thread.PoolTestSupport.assertNoThreadsLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What code written for {@code ThreadPoolExecutor} does with {@code execute} and
 * {@code shutdownNow}, and gets from a thread pool too: an {@code execute}d task's failure reaches
 * an uncaught-exception handler, and what {@code shutdownNow} returns can be run.
 */
class ThreadPoolExecutorHabitsTest {

    @Test
    void aFailingExecutedTaskReachesItsThreadsUncaughtExceptionHandlerAndTheWorkerGoesOn() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(1).threadNamePrefix("habit-exec").build();
        try {
            CompletableFuture<Throwable> reported = new CompletableFuture<>();
            IllegalStateException boom = new IllegalStateException("from execute");
            pool.execute(() -> {
                // the handler of this worker's thread: no global state touched
                Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.complete(e));
                throw boom;
            });
            assertThat(reported.get(30, TimeUnit.SECONDS)).isSameAs(boom);
            assertThat(pool.submit(() -> 7).get(30, TimeUnit.SECONDS)).as("the same worker goes on").isEqualTo(7);
            assertThat(pool.stats().failed()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertNoThreadsLeft("habit-exec-");
    }

    @Test
    void aTaskThatLeavesItsThreadInterruptedDoesNotInterruptTheNextTask() throws Exception {
        // a task that catches InterruptedException and restores the flag (the usual idiom) returns
        // with its thread interrupted; ThreadPoolExecutor clears the flag before the next task, and
        // so must a pool, fixed or adaptive, or an unrelated task fails in its first sleep
        for (ThreadPool pool : List.of(ThreadPool.builder().maxWorkers(1).threadNamePrefix("habit-flag").build(),
                ThreadPool.builder().adaptive(1, 1).threadNamePrefix("habit-flag").build())) {
            try {
                for (int i = 0; i < 20; i++) {
                    pool.submit(() -> {
                        Thread.currentThread().interrupt();
                        return null;
                    }).get(30, TimeUnit.SECONDS);
                    assertThat(pool.submit(() -> Thread.currentThread().isInterrupted()).get(30, TimeUnit.SECONDS))
                            .as("the next task starts interrupted (%s)", pool).isFalse();
                }
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(30, TimeUnit.SECONDS);
            }
        }
        assertNoThreadsLeft("habit-flag-");
    }

    @Test
    void invokeAnyThatRejectsANullTaskCancelsTheTasksItAlreadySubmitted() throws Exception {
        // AbstractExecutorService cancels what invokeAny submitted when it cannot go on; nobody
        // else holds those futures, so a task left running here would run (or hang) unowned
        ThreadPool pool = ThreadPool.builder().maxWorkers(2).threadNamePrefix("habit-any").build();
        try {
            CountDownLatch started = new CountDownLatch(1);
            List<java.util.concurrent.Callable<String>> tasks = new ArrayList<>();
            tasks.add(() -> {
                started.countDown();
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
                return "slow";
            });
            tasks.add(null);
            assertThatThrownBy(() -> pool.invokeAny(tasks)).isInstanceOf(NullPointerException.class);
            pool.shutdown(false, false);
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS))
                    .as("the first task was cancelled, so the pool ends (%s)", pool.stats()).isTrue();
            assertThat(pool.stats().cancelled()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertNoThreadsLeft("habit-any-");
    }

    @Test
    void nullTaskCollectionsAndTimeUnitsAreRejectedWithWhatToPass() throws Exception {
        try (ThreadPool pool = ThreadPool.builder().maxWorkers(1).threadNamePrefix("habit-null").build()) {
            assertThatThrownBy(() -> pool.invokeAll(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pass a collection of Callables");
            assertThatThrownBy(() -> pool.invokeAll(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pass a collection of Callables");
            assertThatThrownBy(() -> pool.invokeAny(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pass a collection of Callables");
            List<java.util.concurrent.Callable<Integer>> one = List.of(() -> 1);
            assertThatThrownBy(() -> pool.invokeAll(one, 1, null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("TimeUnit.SECONDS");
            assertThatThrownBy(() -> pool.invokeAny(one, 1, null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("TimeUnit.SECONDS");
            assertThatThrownBy(() -> pool.awaitTermination(1, null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("TimeUnit.SECONDS");
            assertThat(pool.stats().submitted()).as("nothing was submitted").isZero();
        }
        assertNoThreadsLeft("habit-null-");
    }

    @Test
    void aFailingExecutedTaskWithATimeLimitIsReportedToo() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(1).taskTimeout(java.time.Duration.ofMinutes(5))
                .threadNamePrefix("habit-timed").build();
        try {
            CompletableFuture<Throwable> reported = new CompletableFuture<>();
            pool.execute(() -> {
                Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.complete(e));
                throw new ArithmeticException("timed execute");
            });
            assertThat(reported.get(30, TimeUnit.SECONDS)).hasMessage("timed execute");
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertNoThreadsLeft("habit-timed-");
    }

    @Test
    void aSubmittedTasksFailureIsNotReportedItGoesToItsFuture() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(1).threadNamePrefix("habit-submit").build();
        try {
            AtomicInteger reported = new AtomicInteger();
            Future<?> f = pool.submit((Runnable) () -> {
                Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.incrementAndGet());
                throw new IllegalStateException("to the future");
            });
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasRootCauseMessage("to the future");
            assertThat(reported).hasValue(0);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shutdownNowReturnsExecutedRunnablesAsGivenAndSubmittedTasksAsCancelledFuturesThatCanStillBeRun() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(1).threadNamePrefix("habit-now").build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        pool.submit(() -> {
            started.countDown();
            never.await();
            return null;
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        AtomicInteger ran = new AtomicInteger();
        List<Runnable> executed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Runnable r = ran::incrementAndGet;
            executed.add(r);
            pool.execute(r);
        }
        Future<Integer> submitted = pool.submit(() -> ran.addAndGet(10));
        List<Runnable> back = pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(back).hasSize(4);
        assertThat(back.subList(0, 3)).as("execute()d tasks come back as the Runnables given")
                .containsExactlyElementsOf(executed);
        assertThat(back.get(3)).as("a submitted task comes back as its future").isInstanceOf(Future.class);
        Future<?> asFuture = (Future<?>) back.get(3);
        assertThat(asFuture.isCancelled()).isTrue();
        assertThat(submitted.isCancelled()).isTrue();
        assertThat(ran).as("nothing queued ran").hasValue(0);
        back.forEach(Runnable::run);
        assertThat(ran).as("each returned Runnable runs its task's code in the caller").hasValue(13);
        assertThat(submitted.isCancelled()).as("running it leaves its future as it was").isTrue();
        assertNoThreadsLeft("habit-now-");
    }
}
