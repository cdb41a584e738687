package io.jpool.thread;

import io.jpool.BrokenPoolException;
import io.jpool.MapOptions;
import io.jpool.PoolFuture;
import io.jpool.PoolFuture.Status;
import io.jpool.PoolStats;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.jpool.thread.PoolTestSupport.assertNoThreadsLeft;
import static io.jpool.thread.PoolTestSupport.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shutdown, close, shutdownNow, bounded queues and initializers (CPython test_shutdown, test_init). */
class ThreadPoolShutdownTest {

    /** A pool of one worker held by a running task until {@link #release()}, with tasks queued behind it. */
    static final class Held implements AutoCloseable {
        final ThreadPool pool;
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        final CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        final PoolFuture<String> running;
        final List<PoolFuture<Integer>> queued = new ArrayList<>();
        final AtomicInteger queuedRan = new AtomicInteger();

        Held(ThreadPool pool, int queuedTasks) throws InterruptedException {
            this.pool = pool;
            running = pool.submit(() -> {
                started.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    interrupted.complete(true);
                    throw e;
                }
                return "ran";
            });
            for (int i = 0; i < queuedTasks; i++) {
                int n = i;
                queued.add(pool.submit(() -> {
                    queuedRan.incrementAndGet();
                    return n;
                }));
            }
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        }

        void release() {
            gate.countDown();
        }

        @Override
        public void close() {
            release();
            pool.shutdownNow();
        }
    }

    @Test
    void shutdownWaitRunsEverythingQueuedThenReturns() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(1).threadNamePrefix("sd-wait").build();
        try (Held h = new Held(pool, 5)) {
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> pool.shutdown(true, false));
            assertThat(pool.awaitTermination(50, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(shutdown).isNotDone();
            h.release();
            shutdown.get(30, TimeUnit.SECONDS);
            assertThat(pool.isTerminated()).isTrue();
            assertThat(h.running.resultNow()).isEqualTo("ran");
            assertThat(h.queued).allMatch(f -> f.status() == Status.SUCCESS);
            assertThat(h.queuedRan).hasValue(5);
        }
        assertNoThreadsLeft("sd-wait-");
    }

    @Test
    void shutdownWithoutWaitReturnsAtOnceAndQueuedWorkStillRuns() throws Exception {
        ThreadPool pool = ThreadPool.create(1);
        try (Held h = new Held(pool, 3)) {
            pool.shutdown(false, false);
            assertThat(pool.isShutdown()).isTrue();
            assertThat(pool.isTerminated()).isFalse();
            assertThat(h.queued).noneMatch(PoolFuture::isDone);
            h.release();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(h.queued).allMatch(f -> f.status() == Status.SUCCESS);
            assertThat(h.queuedRan).hasValue(3);
        }
    }

    @Test
    void cancelPendingCancelsWhatHasNotStartedAndLetsTheRunningTaskFinish() throws Exception {
        ThreadPool pool = ThreadPool.create(1);
        try (Held h = new Held(pool, 4)) {
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> pool.shutdown(true, true));
            for (PoolFuture<Integer> f : h.queued) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            }
            assertThat(h.running.isRunning()).isTrue(); // never cancelled: Python's cancel_futures
            assertThat(shutdown).isNotDone(); // wait=true: waits for the running task
            h.release();
            shutdown.get(30, TimeUnit.SECONDS);
            assertThat(h.running.resultNow()).isEqualTo("ran");
            assertThat(h.queuedRan).hasValue(0);
            PoolStats s = pool.stats();
            assertThat(s.cancelled()).isEqualTo(4);
            assertThat(s.completed()).isEqualTo(1);
            assertThat(s.queued()).isZero();
        }
    }

    @Test
    void submitAfterShutdownIsRejectedWithAClearMessage() throws Exception {
        ThreadPool pool = ThreadPool.create(2);
        pool.submit(() -> 1).get();
        pool.shutdown(false, false);
        assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("shut down");
        assertThatThrownBy(() -> pool.submit(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> pool.submit((java.util.concurrent.Callable<Integer>) () -> 1))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> pool.submit((Runnable) () -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> pool.invokeAll(List.of(() -> 1))).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> pool.map(x -> x, List.of(1))).isInstanceOf(RejectedExecutionException.class);
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.stats().submitted()).isEqualTo(1);
    }

    @Test
    void shutdownNowInterruptsTheRunningTaskAndReturnsTheNeverStartedOnes() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(1).threadNamePrefix("sd-now").build();
        try (Held h = new Held(pool, 3)) {
            List<Runnable> neverStarted = pool.shutdownNow();
            assertThat(neverStarted).hasSize(3);
            assertThat(h.interrupted.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(h.running.status()).isEqualTo(Status.CANCELLED);
            assertThatThrownBy(h.running::get).isInstanceOf(CancellationException.class);
            assertThat(h.queued).allMatch(f -> f.status() == Status.CANCELLED);
            assertThat(h.queuedRan).hasValue(0);
            neverStarted.forEach(Runnable::run); // runs their code here, as ThreadPoolExecutor's list does
            assertThat(h.queuedRan).hasValue(3);
            assertThat(h.queued).as("and leaves their futures cancelled").allMatch(f -> f.status() == Status.CANCELLED);
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.shutdownNow()).isEmpty();
            PoolStats s = pool.stats();
            assertThat(s.cancelled()).isEqualTo(4);
            assertThat(s.completed() + s.failed() + s.cancelled()).isEqualTo(s.submitted());
        }
        assertNoThreadsLeft("sd-now-");
    }

    @Test
    void awaitTerminationTimesOutWhileWorkIsRunning() throws Exception {
        ThreadPool pool = ThreadPool.create(1);
        try (Held h = new Held(pool, 0)) {
            assertThat(pool.awaitTermination(50, TimeUnit.MILLISECONDS)).isFalse(); // not even shut down
            pool.shutdown();
            assertThat(pool.awaitTermination(50, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(pool.isTerminated()).isFalse();
            h.release();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.isTerminated()).isTrue();
        }
        ThreadPool unused = ThreadPool.create(3); // no thread ever started
        unused.shutdown();
        assertThat(unused.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closeIsIdempotentAndMixesWithEveryShutdown() throws Exception {
        for (int variant = 0; variant < 2; variant++) {
            ThreadPool.Builder b = ThreadPool.builder().maxWorkers(2);
            ThreadPool pool = variant == 0 ? b.build() : b.queueCapacity(4).build();
            PoolFuture<Integer> f = pool.submit(() -> 1);
            pool.close();
            pool.close();
            pool.shutdown();
            pool.shutdown(true, true);
            pool.shutdown(false, false);
            assertThat(pool.shutdownNow()).isEmpty();
            pool.close();
            assertThat(pool.isTerminated()).isTrue();
            assertThat(f.resultNow()).isEqualTo(1);
        }
    }

    @Test
    void everyFutureResolvesOnClose() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(3).threadNamePrefix("sd-close").build();
        List<PoolFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            fs.add(pool.submit(() -> {
                if (n % 7 == 0) {
                    throw new IllegalStateException("n=" + n);
                }
                return n;
            }));
        }
        fs.get(199).cancel();
        pool.close();
        assertThat(fs).allMatch(PoolFuture::isDone);
        assertThat(pool.isTerminated()).isTrue();
        PoolStats s = pool.stats();
        assertThat(s.completed() + s.failed() + s.cancelled()).isEqualTo(200);
        assertNoThreadsLeft("sd-close-");
    }

    @Test
    void aFullQueueBlocksSubmitUntilThereIsRoom() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(1).queueCapacity(2).build();
        try (Held h = new Held(pool, 2)) { // one running (not counted) + two waiting: the queue is full
            assertThat(pool.stats().queued()).isEqualTo(2);
            CompletableFuture<PoolFuture<Integer>> third = new CompletableFuture<>();
            Thread submitter = new Thread(() -> third.complete(pool.submit(() -> 3)), "submitter");
            submitter.start();
            awaitBlocked(submitter);
            assertThat(third).isNotDone();
            // a cancelled waiting task makes room
            assertThat(h.queued.get(0).cancel()).isTrue();
            PoolFuture<Integer> f3 = third.get(30, TimeUnit.SECONDS);
            // full again: the next submit blocks until the worker takes a task
            CompletableFuture<PoolFuture<Integer>> fourth = new CompletableFuture<>();
            Thread submitter2 = new Thread(() -> fourth.complete(pool.submit(() -> 4)), "submitter2");
            submitter2.start();
            awaitBlocked(submitter2);
            assertThat(fourth).isNotDone();
            h.release();
            assertThat(fourth.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(f3.get(30, TimeUnit.SECONDS)).isEqualTo(3);
        }
    }

    @Test
    void tasksThatSubmitToTheirOwnFullQueueRunTheirChildrenThemselvesInsteadOfDeadlocking() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(2).queueCapacity(1).threadNamePrefix("sd-nested").build();
        try {
            CyclicBarrier bothRunning = new CyclicBarrier(2);
            CountDownLatch queueFull = new CountDownLatch(1);
            List<PoolFuture<String>> parents = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                parents.add(pool.submit(() -> {
                    if (n < 2) {
                        bothRunning.await(30, TimeUnit.SECONDS); // both workers hold a parent
                        queueFull.await();                       // and the third parent fills the queue
                    }
                    Thread parentThread = Thread.currentThread();
                    PoolFuture<Boolean> child = pool.submit(() -> Thread.currentThread() == parentThread);
                    return n + ":" + child.get(30, TimeUnit.SECONDS);
                }));
            }
            assertThat(pool.stats().queued()).as("the third parent waits in the full queue").isEqualTo(1);
            queueFull.countDown();
            // with both workers waiting for room that only they can make, these would never end
            assertThat(parents.get(0).get(30, TimeUnit.SECONDS)).isEqualTo("0:true");
            assertThat(parents.get(1).get(30, TimeUnit.SECONDS)).isEqualTo("1:true");
            assertThat(parents.get(2).get(30, TimeUnit.SECONDS)).startsWith("2:");
            PoolStats s = pool.stats();
            assertThat(s.submitted()).isEqualTo(6);
            assertThat(s.completed()).isEqualTo(6);
            assertThat(s.queued()).isZero();
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertNoThreadsLeft("sd-nested-");
    }

    @Test
    void aSubmitBlockedOnAFullQueueIsRejectedByShutdown() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(1).queueCapacity(1).build();
        try (Held h = new Held(pool, 1)) {
            CompletableFuture<Object> third = new CompletableFuture<>();
            Thread submitter = new Thread(() -> {
                try {
                    third.complete(pool.submit(() -> 3));
                } catch (Throwable t) {
                    third.complete(t);
                }
            });
            submitter.start();
            awaitBlocked(submitter);
            pool.shutdown(false, false);
            assertThat(third.get(30, TimeUnit.SECONDS)).isInstanceOf(RejectedExecutionException.class);
            h.release();
            assertThat(h.queued.get(0).get(30, TimeUnit.SECONDS)).isZero();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    static final AtomicInteger INIT_RUNS = new AtomicInteger();
    static final ThreadLocal<String> INITIALIZED = new ThreadLocal<>();

    @Test
    void theInitializerRunsOncePerThreadBeforeItsFirstTask() throws Exception {
        INIT_RUNS.set(0);
        java.util.Set<String> initializedThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<String> seenByTasks = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ThreadPool pool = ThreadPool.builder().maxWorkers(3).threadNamePrefix("init-ok").initializer(() -> {
            INIT_RUNS.incrementAndGet();
            INITIALIZED.set("yes");
            assertThat(initializedThreads.add(Thread.currentThread().getName())).isTrue();
        }).build()) {
            CyclicBarrier three = new CyclicBarrier(3); // forces three threads
            List<PoolFuture<Object>> fs = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 3; i++) {
                    fs.add(pool.submit(() -> {
                        seenByTasks.add(Thread.currentThread().getName() + "=" + INITIALIZED.get());
                        three.await(30, TimeUnit.SECONDS);
                        return null;
                    }));
                }
            }
            for (PoolFuture<Object> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(INIT_RUNS).hasValue(3);
        assertThat(initializedThreads).hasSize(3).allMatch(n -> n.startsWith("init-ok-"));
        assertThat(seenByTasks).hasSize(15).allMatch(s -> s.endsWith("=yes"));
    }

    @Test
    void aFailingInitializerBreaksThePool() throws Exception {
        ThreadPool pool = ThreadPool.builder().maxWorkers(2).threadNamePrefix("init-bad").initializer(() -> {
            throw new IllegalStateException("no database");
        }).build();
        List<PoolFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            try {
                fs.add(pool.submit(() -> n));
            } catch (BrokenPoolException alreadyBroken) {
                // a submit after the first worker failed its initializer is rejected: fine
            }
        }
        assertThat(fs).isNotEmpty();
        for (PoolFuture<Integer> f : fs) {
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(BrokenPoolException.class).hasMessageContaining("initializer")
                    .cause().isInstanceOf(IllegalStateException.class).hasMessage("no database");
            assertThat(f.status()).isEqualTo(Status.FAILED);
        }
        assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(BrokenPoolException.class)
                .hasMessageContaining("initializer").cause().hasMessage("no database");
        assertThatThrownBy(() -> pool.map(x -> x, List.of(1), MapOptions.defaults()))
                .isInstanceOf(BrokenPoolException.class);
        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        pool.close();
        PoolStats s = pool.stats();
        assertThat(s.failed()).isEqualTo(s.submitted()).isGreaterThanOrEqualTo(fs.size());
        assertThat(s.completed()).isZero();
        assertNoThreadsLeft("init-bad-");
    }

    @Test
    void virtualThreadsRunTasksOnJdk21AndAreRefusedClearlyBefore() throws Exception {
        ThreadPool.Builder b = ThreadPool.builder().maxWorkers(2).virtualThreads(true);
        if (Runtime.version().feature() < 21) {
            assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("JDK 21").hasMessageContaining(String.valueOf(Runtime.version().feature()));
            return;
        }
        java.lang.reflect.Method isVirtual = Thread.class.getMethod("isVirtual");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        try (ThreadPool pool = b.build()) {
            assertThat(pool.submit(() -> (Boolean) isVirtual.invoke(Thread.currentThread())).get(30, TimeUnit.SECONDS))
                    .isTrue();
            CyclicBarrier two = new CyclicBarrier(2);
            List<PoolFuture<Object>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                fs.add(pool.submit(() -> {
                    maxSeen.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        two.await(30, TimeUnit.SECONDS);
                    } finally {
                        running.decrementAndGet();
                    }
                    return null;
                }));
            }
            for (PoolFuture<Object> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(maxSeen.get()).isEqualTo(2); // still at most maxWorkers at once
            // work helping works on virtual threads too
            assertThat(pool.submit(() -> pool.submit(() -> 5).get() + 1).get(30, TimeUnit.SECONDS)).isEqualTo(6);
        }
    }

    /**
     * shutdownNow right after a submit woke an idle worker: the task is either returned (never
     * started), cancelled before it starts, or interrupted. It never runs on unstopped, which would
     * keep the pool from terminating.
     */
    @Test
    void shutdownNowRacingAWorkerTakingATaskStillStopsIt() throws Exception {
        for (int i = 0; i < 3_000; i++) {
            ThreadPool pool = ThreadPool.create(1);
            pool.submit(() -> 0).get(); // an idle worker, parked
            CountDownLatch never = new CountDownLatch(1);
            PoolFuture<Object> f = pool.submit(() -> {
                never.await();
                return null;
            });
            List<Runnable> neverStarted = pool.shutdownNow();
            boolean terminated = pool.awaitTermination(10, TimeUnit.SECONDS);
            never.countDown();
            assertThat(terminated).as("iteration %d: %s, %d returned", i, f, neverStarted.size()).isTrue();
            assertThat(f.status()).as("iteration %d", i).isEqualTo(Status.CANCELLED);
        }
    }

    /** A submit racing shutdown either gets its task run or is rejected; the pool always terminates. */
    @Test
    void submitRacingShutdownNeverLeavesThePoolUnterminated() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            ThreadPool pool = ThreadPool.create(1);
            CyclicBarrier go = new CyclicBarrier(2);
            CompletableFuture<Object> submitted = CompletableFuture.supplyAsync(() -> {
                try {
                    go.await(30, TimeUnit.SECONDS);
                    return pool.submit(() -> 1);
                } catch (Throwable t) {
                    return t;
                }
            });
            go.await(30, TimeUnit.SECONDS);
            pool.shutdown(false, false);
            Object r = submitted.get(30, TimeUnit.SECONDS);
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("iteration %d: %s", i, r).isTrue();
            if (r instanceof PoolFuture) {
                PoolFuture<?> f = (PoolFuture<?>) r;
                assertThat(f.isDone()).isTrue();
                assertThat(f.status()).isIn(Status.SUCCESS, Status.CANCELLED);
            } else {
                assertThat(r).as("iteration %d", i).isInstanceOf(RejectedExecutionException.class);
            }
        }
    }
}
