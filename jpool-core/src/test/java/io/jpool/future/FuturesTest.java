package io.jpool.future;

import io.jpool.DoneAndNotDone;
import io.jpool.Futures;
import io.jpool.PoolFuture;
import io.jpool.ReturnWhen;
import io.jpool.ThreadPool;
import io.jpool.WaitTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.jpool.thread.PoolTestSupport.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Futures#asCompleted} and {@link Futures#waitFor}: CPython's test_as_completed and
 * test_wait, plus what the contract settles differently (a cancelled future counts as done at
 * once; the asCompleted deadline is counted from the call).
 */
class FuturesTest {
    private ThreadPool pool;
    private final List<CountDownLatch> gates = new ArrayList<>();

    @BeforeEach
    void startPool() {
        pool = ThreadPool.create(8);
    }

    @AfterEach
    void stopPool() {
        gates.forEach(CountDownLatch::countDown);
        pool.close();
    }

    /** A task that runs until {@code gate} opens, then returns {@code value}. */
    private PoolFuture<String> gated(CountDownLatch gate, String value) {
        gates.add(gate);
        return pool.submit(() -> {
            gate.await();
            return value;
        });
    }

    /** A task that fails once {@code gate} opens. */
    private PoolFuture<String> gatedFailure(CountDownLatch gate) {
        gates.add(gate);
        return pool.submit(() -> {
            gate.await();
            throw new java.io.IOException("failed on purpose");
        });
    }

    private PoolFuture<String> done(String value) throws Exception {
        PoolFuture<String> f = pool.submit(() -> value);
        f.get(30, TimeUnit.SECONDS);
        return f;
    }

    private PoolFuture<String> doneFailed() throws Exception {
        PoolFuture<String> f = pool.submit(() -> {
            throw new ArithmeticException("failed on purpose");
        });
        assertThat(f.exception(Duration.ofSeconds(30))).isNotNull();
        return f;
    }

    // ---------------------------------------------------------------- asCompleted

    @Test
    void asCompletedYieldsInCompletionOrder() {
        CountDownLatch g0 = new CountDownLatch(1), g1 = new CountDownLatch(1), g2 = new CountDownLatch(1);
        PoolFuture<String> f0 = gated(g0, "0"), f1 = gated(g1, "1"), f2 = gated(g2, "2");
        Iterator<PoolFuture<String>> it = Futures.asCompleted(List.of(f0, f1, f2)).iterator();
        g2.countDown();
        assertThat(it.next()).isSameAs(f2);
        g0.countDown();
        assertThat(it.next()).isSameAs(f0);
        g1.countDown();
        assertThat(it.next()).isSameAs(f1);
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void asCompletedYieldsDoneFuturesFirstWithoutWaiting() throws Exception {
        PoolFuture<String> ok = done("ok");
        PoolFuture<String> bad = doneFailed();
        PoolFuture<String> cancelled = gated(new CountDownLatch(1), "never");
        CountDownLatch g = new CountDownLatch(1);
        PoolFuture<String> running = gated(g, "late");
        cancelled.cancel(true);
        // the pending one comes first in the input, the done ones first in the output
        Iterator<PoolFuture<String>> it = Futures.asCompleted(List.of(running, ok, cancelled, bad)).iterator();
        List<PoolFuture<String>> firstThree = List.of(it.next(), it.next(), it.next());
        assertThat(firstThree).containsExactlyInAnyOrder(ok, cancelled, bad);
        assertThat(running.isDone()).isFalse();
        g.countDown();
        assertThat(it.next()).isSameAs(running);
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void asCompletedYieldsEachDistinctFutureOnceEvenIfPassedTwice() throws Exception {
        PoolFuture<String> a = done("a");
        CountDownLatch g = new CountDownLatch(1);
        PoolFuture<String> b = gated(g, "b");
        Iterator<PoolFuture<String>> it = Futures.asCompleted(List.of(a, b, a, b, b), Duration.ofSeconds(60)).iterator();
        assertThat(it.next()).isSameAs(a);
        g.countDown();
        assertThat(it.next()).isSameAs(b);
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void asCompletedOfNothingIsEmpty() {
        assertThat(Futures.asCompleted(List.<PoolFuture<String>>of())).isEmpty();
        assertThat(Futures.asCompleted(List.<PoolFuture<String>>of(), Duration.ofMillis(1))).isEmpty();
    }

    @Test
    void asCompletedPastItsDeadlineThrowsWaitTimeoutExceptionAndTheTasksGoOn() throws Exception {
        PoolFuture<String> ok = done("ok");
        CountDownLatch g = new CountDownLatch(1);
        PoolFuture<String> slow = gated(g, "slow");
        long start = System.nanoTime();
        Iterator<PoolFuture<String>> it = Futures.asCompleted(List.of(ok, slow), Duration.ofMillis(200)).iterator();
        assertThat(it.next()).isSameAs(ok); // done ones are yielded even at the deadline
        assertThat(it.hasNext()).isTrue();
        assertThatThrownBy(it::next).isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("1 (of 2) futures unfinished");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        // only the wait ended: the task goes on and completes
        assertThat(slow.isDone()).isFalse();
        g.countDown();
        assertThat(slow.get(30, TimeUnit.SECONDS)).isEqualTo("slow");
    }

    @Test
    void aZeroTimeoutYieldsTheDoneFuturesThenThrows() throws Exception {
        // CPython test_zero_timeout: a poll
        PoolFuture<String> ok = done("ok");
        PoolFuture<String> bad = doneFailed();
        PoolFuture<String> slow = gated(new CountDownLatch(1), "slow");
        Iterator<PoolFuture<String>> it = Futures.asCompleted(List.of(slow, ok, bad), Duration.ZERO).iterator();
        assertThat(List.of(it.next(), it.next())).containsExactlyInAnyOrder(ok, bad);
        assertThatThrownBy(it::next).isInstanceOf(WaitTimeoutException.class).hasMessageContaining("1 (of 3)");
        DoneAndNotDone<String> w = Futures.waitFor(List.of(slow, ok, bad), Duration.ZERO, ReturnWhen.ALL_COMPLETED);
        assertThat(w.done()).containsExactlyInAnyOrder(ok, bad);
        assertThat(w.notDone()).containsExactly(slow);
    }

    @Test
    void theAsCompletedDeadlineCountsFromTheCallNotFromTheFirstNext() throws Exception {
        CountDownLatch g = new CountDownLatch(1);
        PoolFuture<String> slow = gated(g, "slow");
        Iterable<PoolFuture<String>> it = Futures.asCompleted(List.of(slow), Duration.ofSeconds(2));
        // time passes between the call and the first next(): here, a wait that is meant to time out
        assertThatThrownBy(() -> slow.get(2100, TimeUnit.MILLISECONDS))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> it.iterator().next()).isInstanceOf(WaitTimeoutException.class);
        // the deadline had passed already: no new 2 s wait (a bound with room for a stalled machine)
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
    }

    @Test
    void aFutureCancelledWhileAsCompletedWaitsIsYieldedAtOnce() throws Exception {
        CountDownLatch blockerGate = new CountDownLatch(1);
        PoolFuture<String> blocker = gated(blockerGate, "blocker");
        PoolFuture<String> toCancel;
        try (ThreadPool one = ThreadPool.create(1)) { // a pending task: its pool's only worker is busy
            CountDownLatch busy = new CountDownLatch(1);
            gates.add(busy);
            one.submit(() -> {
                busy.await();
                return null;
            });
            toCancel = one.submit(() -> "never");
            CompletableFuture<PoolFuture<String>> first = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    first.complete(Futures.asCompleted(List.of(blocker, toCancel)).iterator().next());
                } catch (Throwable t) {
                    first.completeExceptionally(t);
                }
            });
            waiter.start();
            awaitBlocked(waiter);
            assertThat(toCancel.cancel()).isTrue();
            assertThat(first.get(30, TimeUnit.SECONDS)).isSameAs(toCancel);
            assertThat(blocker.isDone()).isFalse();
            busy.countDown();
        }
    }

    @Test
    void futuresCancelledByShutdownAreYieldedAndWaitedFor() throws Exception {
        // CPython gh-87893: futures cancelled by shutdown(cancel_futures=True) were never yielded
        ThreadPool one = ThreadPool.create(1);
        CountDownLatch busy = new CountDownLatch(1);
        gates.add(busy);
        CountDownLatch started = new CountDownLatch(1);
        PoolFuture<String> running = one.submit(() -> {
            started.countDown();
            busy.await();
            return "ran";
        });
        List<PoolFuture<String>> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pending.add(one.submit(() -> "never"));
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        one.shutdown(false, true);
        assertThat(pending).allMatch(PoolFuture::isCancelled);
        List<PoolFuture<String>> yielded = new ArrayList<>();
        Futures.asCompleted(pending, Duration.ofSeconds(30)).forEach(yielded::add);
        assertThat(yielded).containsExactlyInAnyOrderElementsOf(pending);
        DoneAndNotDone<String> w = Futures.waitFor(pending, null, ReturnWhen.ALL_COMPLETED);
        assertThat(w.done()).containsExactlyInAnyOrderElementsOf(pending);
        busy.countDown();
        assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThat(one.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void asCompletedRejectsNulls() {
        assertThatThrownBy(() -> Futures.asCompleted(null)).isInstanceOf(NullPointerException.class);
        List<PoolFuture<String>> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> Futures.asCompleted(withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null");
    }

    @Test
    void asCompletedOverManyFuturesOfSeveralPoolsYieldsEachOnce() throws Exception {
        try (ThreadPool other = ThreadPool.create(3)) {
            List<PoolFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int n = i;
                fs.add((i % 2 == 0 ? pool : other).submit(() -> n));
            }
            List<Integer> seen = new ArrayList<>();
            for (PoolFuture<Integer> f : Futures.asCompleted(fs, Duration.ofSeconds(60))) {
                assertThat(f.isDone()).isTrue();
                seen.add(f.resultNow());
            }
            assertThat(seen).hasSize(500).doesNotHaveDuplicates();
        }
    }

    // ---------------------------------------------------------------- waitFor

    @Test
    void firstCompletedReturnsWhenOneIsDone() throws Exception {
        CountDownLatch g1 = new CountDownLatch(1), g2 = new CountDownLatch(1);
        PoolFuture<String> f1 = gated(g1, "1"), f2 = gated(g2, "2");
        CompletableFuture<DoneAndNotDone<String>> result = waitInThread(List.of(f1, f2), null, ReturnWhen.FIRST_COMPLETED);
        g2.countDown();
        DoneAndNotDone<String> w = result.get(30, TimeUnit.SECONDS);
        assertThat(w.done()).containsExactly(f2);
        assertThat(w.notDone()).containsExactly(f1);
    }

    @Test
    void firstCompletedReturnsAtOnceIfOneIsAlreadyDone() throws Exception {
        PoolFuture<String> ok = done("ok");
        PoolFuture<String> slow = gated(new CountDownLatch(1), "slow");
        DoneAndNotDone<String> w = Futures.waitFor(List.of(slow, ok), null, ReturnWhen.FIRST_COMPLETED);
        assertThat(w.done()).containsExactly(ok);
        assertThat(w.notDone()).containsExactly(slow);
    }

    @Test
    void firstCompletedCountsACancelledFutureAsDone() throws Exception {
        PoolFuture<String> slow = gated(new CountDownLatch(1), "slow");
        try (ThreadPool one = ThreadPool.create(1)) {
            CountDownLatch busy = new CountDownLatch(1);
            gates.add(busy);
            one.submit(() -> {
                busy.await();
                return null;
            });
            PoolFuture<String> pending = one.submit(() -> "never");
            CompletableFuture<DoneAndNotDone<String>> result = waitInThread(List.of(slow, pending), null,
                    ReturnWhen.FIRST_COMPLETED);
            pending.cancel();
            DoneAndNotDone<String> w = result.get(30, TimeUnit.SECONDS);
            assertThat(w.done()).containsExactly(pending);
            assertThat(w.notDone()).containsExactly(slow);
            busy.countDown();
        }
    }

    @Test
    void firstExceptionReturnsEarlyOnAFailure() throws Exception {
        CountDownLatch failGate = new CountDownLatch(1);
        PoolFuture<String> failing = gatedFailure(failGate);
        PoolFuture<String> slow = gated(new CountDownLatch(1), "slow");
        PoolFuture<String> ok = done("ok");
        CompletableFuture<DoneAndNotDone<String>> result = waitInThread(List.of(ok, failing, slow), null,
                ReturnWhen.FIRST_EXCEPTION);
        failGate.countDown();
        DoneAndNotDone<String> w = result.get(30, TimeUnit.SECONDS);
        assertThat(w.done()).containsExactlyInAnyOrder(ok, failing);
        assertThat(w.notDone()).containsExactly(slow);
    }

    @Test
    void firstExceptionReturnsAtOnceIfOneHasAlreadyFailed() throws Exception {
        PoolFuture<String> bad = doneFailed();
        PoolFuture<String> slow = gated(new CountDownLatch(1), "slow");
        DoneAndNotDone<String> w = Futures.waitFor(List.of(slow, bad), null, ReturnWhen.FIRST_EXCEPTION);
        assertThat(w.done()).containsExactly(bad);
        assertThat(w.notDone()).containsExactly(slow);
    }

    @Test
    void firstExceptionWithoutAnyFailureWaitsForAll() throws Exception {
        PoolFuture<String> ok = done("ok");
        CountDownLatch g = new CountDownLatch(1);
        PoolFuture<String> slow = gated(g, "slow");
        // neither a success nor a cancellation is an exception: with a short timeout it must not return early
        PoolFuture<String> cancelled = pool.submit(() -> "x");
        cancelled.cancel();
        DoneAndNotDone<String> partial = Futures.waitFor(List.of(ok, slow, cancelled), Duration.ofMillis(100),
                ReturnWhen.FIRST_EXCEPTION);
        assertThat(partial.notDone()).containsExactly(slow);
        CompletableFuture<DoneAndNotDone<String>> result = waitInThread(List.of(ok, slow, cancelled), null,
                ReturnWhen.FIRST_EXCEPTION);
        assertThat(result).isNotDone();
        g.countDown();
        DoneAndNotDone<String> w = result.get(30, TimeUnit.SECONDS);
        assertThat(w.done()).containsExactlyInAnyOrder(ok, slow, cancelled);
        assertThat(w.notDone()).isEmpty();
    }

    @Test
    void allCompletedWaitsForAllAndCountsFailuresAndCancellationsAsDone() throws Exception {
        CountDownLatch g1 = new CountDownLatch(1), g2 = new CountDownLatch(1);
        PoolFuture<String> f1 = gated(g1, "1");
        PoolFuture<String> f2 = gatedFailure(g2);
        PoolFuture<String> bad = doneFailed();
        PoolFuture<String> cancelled = pool.submit(() -> "x");
        cancelled.cancel();
        CompletableFuture<DoneAndNotDone<String>> result = waitInThread(List.of(f1, f2, bad, cancelled), null,
                ReturnWhen.ALL_COMPLETED);
        g2.countDown();
        assertThat(f2.exception(Duration.ofSeconds(30))).isNotNull();
        assertThat(result).isNotDone(); // a failure does not end an ALL_COMPLETED wait
        g1.countDown();
        DoneAndNotDone<String> w = result.get(30, TimeUnit.SECONDS);
        assertThat(w.done()).containsExactlyInAnyOrder(f1, f2, bad, cancelled);
        assertThat(w.notDone()).isEmpty();
    }

    @Test
    void aTimeoutReturnsThePartitionAtThatMomentWithoutThrowing() throws Exception {
        PoolFuture<String> ok = done("ok");
        PoolFuture<String> bad = doneFailed();
        PoolFuture<String> slow1 = gated(new CountDownLatch(1), "1");
        PoolFuture<String> slow2 = gated(new CountDownLatch(1), "2");
        for (ReturnWhen when : List.of(ReturnWhen.ALL_COMPLETED, ReturnWhen.FIRST_COMPLETED)) {
            List<PoolFuture<String>> fs = when == ReturnWhen.FIRST_COMPLETED ? List.of(slow1, slow2)
                    : List.of(ok, bad, slow1, slow2);
            long start = System.nanoTime();
            DoneAndNotDone<String> w = Futures.waitFor(fs, Duration.ofMillis(150), when);
            assertThat(System.nanoTime() - start).as("%s", when).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
            assertThat(w.notDone()).as("%s", when).containsExactlyInAnyOrder(slow1, slow2);
            assertThat(w.done()).as("%s", when).containsExactlyInAnyOrderElementsOf(
                    when == ReturnWhen.FIRST_COMPLETED ? List.of() : List.of(ok, bad));
        }
        assertThat(slow1.isDone()).isFalse(); // the tasks go on
    }

    @Test
    void waitForDeduplicatesAndReturnsImmutableSets() throws Exception {
        PoolFuture<String> a = done("a");
        PoolFuture<String> b = done("b");
        DoneAndNotDone<String> w = Futures.waitFor(List.of(a, b, a, a), null, ReturnWhen.ALL_COMPLETED);
        assertThat(w.done()).containsExactlyInAnyOrder(a, b);
        assertThat(w.notDone()).isEmpty();
        assertThatThrownBy(() -> w.done().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void waitForOfNothingReturnsAtOnce() throws Exception {
        for (ReturnWhen when : ReturnWhen.values()) {
            DoneAndNotDone<String> w = Futures.waitFor(Set.<PoolFuture<String>>of(), null, when);
            assertThat(w.done()).isEmpty();
            assertThat(w.notDone()).isEmpty();
        }
    }

    @Test
    void waitForRejectsNullsAndIsInterruptible() throws Exception {
        PoolFuture<String> ok = done("ok");
        assertThatThrownBy(() -> Futures.waitFor(List.of(ok), null, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ALL_COMPLETED");
        assertThatThrownBy(() -> Futures.waitFor(null, null, ReturnWhen.ALL_COMPLETED))
                .isInstanceOf(NullPointerException.class);
        PoolFuture<String> slow = gated(new CountDownLatch(1), "slow");
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                Futures.waitFor(List.of(slow), null, ReturnWhen.ALL_COMPLETED);
                seen.complete(null);
            } catch (Throwable t) {
                seen.complete(t);
            }
        });
        waiter.start();
        awaitBlocked(waiter);
        waiter.interrupt();
        assertThat(seen.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }

    /**
     * Work helping covers asCompleted and waitFor too: a task waiting on pending futures of its own
     * one-worker pool runs them inline instead of deadlocking (Python deadlocks here).
     */
    @Test
    void asCompletedAndWaitForInsideATaskOfItsOwnPoolDoNotDeadlock() throws Exception {
        ThreadPool one = ThreadPool.create(1);
        try {
            PoolFuture<Integer> viaAsCompleted = one.submit(() -> {
                List<PoolFuture<Integer>> fs = List.of(one.submit(() -> 1), one.submit(() -> 2), one.submit(() -> 3));
                int sum = 0;
                for (PoolFuture<Integer> f : Futures.asCompleted(fs, Duration.ofSeconds(60))) {
                    sum += f.resultNow();
                }
                return sum;
            });
            assertThat(viaAsCompleted.get(30, TimeUnit.SECONDS)).isEqualTo(6);
            for (ReturnWhen when : ReturnWhen.values()) {
                PoolFuture<Integer> viaWait = one.submit(() -> {
                    List<PoolFuture<Integer>> fs = List.of(one.submit(() -> 1), one.submit(() -> 2));
                    return Futures.waitFor(fs, null, when).done().size();
                });
                assertThat(viaWait.get(30, TimeUnit.SECONDS)).as("%s", when).isPositive();
            }
        } finally {
            one.shutdownNow(); // a deadlocked worker would otherwise keep close() waiting forever
        }
    }

    /**
     * A timeout too large to count in nanoseconds saturates both ways: a huge negative one is a
     * deadline already past (waitFor returns at once), never one that wraps into the far future.
     */
    @Test
    void hugeTimeoutsSaturateRatherThanWrap() throws Exception {
        io.jpool.internal.future.TaskFuture<String> never = new io.jpool.internal.future.TaskFuture<>();
        DoneAndNotDone<String> r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> Futures.waitFor(List.of(never), Duration.ofSeconds(Long.MIN_VALUE), ReturnWhen.ALL_COMPLETED));
        assertThat(r.notDone()).containsExactly(never);
        Iterator<PoolFuture<String>> it = Futures.asCompleted(List.of(never), Duration.ofSeconds(Long.MIN_VALUE)).iterator();
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThatThrownBy(it::next).isInstanceOf(WaitTimeoutException.class));
        // and a huge positive one is a wait, not a timeout at once
        Iterator<PoolFuture<String>> far = Futures.asCompleted(List.of(never), Duration.ofSeconds(Long.MAX_VALUE)).iterator();
        Thread waiter = new Thread(() -> {
            try {
                far.next();
            } catch (RuntimeException e) {
                // interrupted below, or (the bug) timed out at once
            }
        });
        waiter.start();
        awaitBlocked(waiter);
        assertThat(waiter.isAlive()).isTrue();
        waiter.interrupt();
        waiter.join(30_000);
        assertThat(waiter.isAlive()).isFalse();
    }

    /** Runs waitFor in its own thread and returns once that thread is blocked in it. */
    private static CompletableFuture<DoneAndNotDone<String>> waitInThread(List<PoolFuture<String>> fs, Duration timeout,
                                                                        ReturnWhen when) {
        CompletableFuture<DoneAndNotDone<String>> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(Futures.waitFor(fs, timeout, when));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "waitFor-" + when);
        t.setDaemon(true);
        t.start();
        awaitBlocked(t);
        return result;
    }
}
