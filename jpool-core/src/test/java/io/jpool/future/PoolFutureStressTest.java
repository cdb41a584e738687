package io.jpool.future;

import io.jpool.PoolFuture;
import io.jpool.PoolFuture.Status;
import io.jpool.PoolStats;
import io.jpool.ThreadPool;
import io.jpool.internal.future.TaskFuture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Races on one future, thousands of times: cancel vs start vs complete/fail vs addDoneCallback vs
 * get. Every round must end in exactly one final state that every observer agrees on, with each
 * callback run exactly once.
 */
class PoolFutureStressTest {
    private static final int ROUNDS = 10_000;
    private static final RuntimeException ERROR = new IllegalStateException("task failed");

    /** A future that counts the pool hooks. */
    static final class CountingFuture extends TaskFuture<String> {
        final AtomicInteger stops = new AtomicInteger();
        final AtomicInteger dones = new AtomicInteger();
        volatile Boolean doneWasRunning;

        @Override
        protected void stopRunning() {
            stops.incrementAndGet();
        }

        @Override
        protected void onDone(Status finalStatus, boolean wasRunning) {
            dones.incrementAndGet();
            doneWasRunning = wasRunning;
        }
    }

    /** One round's future and what each racer saw. */
    static final class Round {
        final CountingFuture f = new CountingFuture();
        final boolean mayInterrupt = ThreadLocalRandom.current().nextBoolean();
        final boolean completeWithValue = ThreadLocalRandom.current().nextBoolean();
        final AtomicInteger earlyCallback = new AtomicInteger();
        final AtomicInteger racingCallback = new AtomicInteger();
        final AtomicReference<Status> statusSeenByCallback = new AtomicReference<>();
        volatile boolean cancelled;
        volatile boolean started;
        volatile boolean ended; // complete() or fail() returned true
        volatile Object got;

        Round() {
            f.addDoneCallback(x -> {
                earlyCallback.incrementAndGet();
                statusSeenByCallback.set(x.status());
            });
        }

        void check(int n) {
            String at = "round " + n + " " + f + " cancel(" + mayInterrupt + ")=" + cancelled + " started=" + started
                    + " ended=" + ended;
            Status s = f.status();
            assertThat(s).as(at).isIn(Status.SUCCESS, Status.FAILED, Status.CANCELLED);
            assertThat(f.isDone()).as(at).isTrue();
            assertThat(f.isRunning()).as(at).isFalse();
            assertThat(f.isCancelled()).as(at).isEqualTo(s == Status.CANCELLED);
            // exactly one winner, and the winner's return value says so
            assertThat(cancelled).as(at).isEqualTo(s == Status.CANCELLED);
            assertThat(ended).as(at).isEqualTo(s != Status.CANCELLED);
            if (s == Status.SUCCESS) {
                assertThat(completeWithValue).as(at).isTrue();
            }
            if (s == Status.FAILED) {
                assertThat(completeWithValue).as(at).isFalse();
            }
            // a task cancelled by cancel(false) never started; a running one is only cancelled with interrupt
            if (cancelled && started) {
                assertThat(mayInterrupt).as(at).isTrue();
            }
            assertThat(f.stops).as(at + " stopRunning calls").hasValue(cancelled && started ? 1 : 0);
            assertThat(f.dones).as(at + " onDone calls").hasValue(1);
            assertThat(f.doneWasRunning).as(at).isEqualTo(started);
            // callbacks: exactly once each, seeing the final state
            assertThat(earlyCallback).as(at).hasValue(1);
            assertThat(racingCallback).as(at).hasValue(1);
            assertThat(statusSeenByCallback.get()).as(at).isEqualTo(s);
            // get agrees with the state
            switch (s) {
                case SUCCESS: assertThat(got).as(at).isEqualTo("v"); break;
                case FAILED: assertThat(got).as(at).isInstanceOf(ExecutionException.class);
                    assertThat(((Throwable) got).getCause()).as(at).isSameAs(ERROR); break;
                default: assertThat(got).as(at).isInstanceOf(CancellationException.class);
            }
            // and so do the other readers
            assertThat(f.toCompletableFuture().isDone()).as(at).isTrue();
            AtomicInteger late = new AtomicInteger();
            f.addDoneCallback(x -> late.incrementAndGet());
            assertThat(late).as(at + " late callback").hasValue(1);
        }
    }

    @Test
    void cancelStartCompleteCallbackAndGetRace() throws Exception {
        AtomicReference<Round> round = new AtomicReference<>();
        AtomicInteger roundNo = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // the barrier action runs between rounds, while every racer waits: check the old round, set up the next
        CyclicBarrier barrier = new CyclicBarrier(4, () -> {
            Round old = round.get();
            if (old != null) {
                try {
                    old.check(roundNo.get());
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
            round.set(roundNo.incrementAndGet() <= ROUNDS && failure.get() == null ? new Round() : null);
        });
        List<Thread> racers = new ArrayList<>();
        racers.add(racer(barrier, round, failure, r -> r.cancelled = r.f.cancel(r.mayInterrupt)));
        racers.add(racer(barrier, round, failure, r -> {
            if (r.f.tryStart()) {
                r.started = true;
                r.ended = r.completeWithValue ? r.f.complete("v") : r.f.fail(ERROR);
            }
        }));
        racers.add(racer(barrier, round, failure, r -> r.f.addDoneCallback(x -> r.racingCallback.incrementAndGet())));
        racers.add(racer(barrier, round, failure, r -> {
            try {
                r.got = r.f.get(30, TimeUnit.SECONDS);
            } catch (Throwable t) {
                r.got = t;
            }
        }));
        racers.forEach(Thread::start);
        for (Thread t : racers) {
            t.join(100_000);
            assertThat(t.isAlive()).as("racer %s stuck", t.getName()).isFalse();
        }
        if (failure.get() != null) {
            fail("a round went wrong", failure.get());
        }
        assertThat(roundNo.get()).isGreaterThan(ROUNDS);
    }

    private static Thread racer(CyclicBarrier barrier, AtomicReference<Round> round, AtomicReference<Throwable> failure,
                                java.util.function.Consumer<Round> move) {
        Thread t = new Thread(() -> {
            try {
                for (;;) {
                    barrier.await(30, TimeUnit.SECONDS); // round set up
                    Round r = round.get();
                    if (r == null) {
                        return;
                    }
                    move.accept(r);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                barrier.reset();
            }
        }, "racer");
        t.setDaemon(true);
        return t;
    }

    /**
     * The same race through a real pool: the worker starts and completes the task while other
     * threads cancel (Python cancel), add callbacks and wait. A cancelled task must never have run,
     * a successful one ran once, and the pool's counters add up.
     */
    @Test
    void poolTasksRaceCancelCallbacksAndGet() throws Exception {
        int n = 1_500;
        AtomicReferenceArray<Object> ranAs = new AtomicReferenceArray<>(n);
        AtomicInteger[] callbacks = new AtomicInteger[n];
        List<PoolFuture<Integer>> futures = new ArrayList<>();
        try (ThreadPool pool = ThreadPool.create(2)) {
            CyclicBarrier go = new CyclicBarrier(3);
            AtomicReference<Throwable> getterFailure = new AtomicReference<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                callbacks[i] = new AtomicInteger();
                PoolFuture<Integer> f = pool.submit(() -> {
                    if (!ranAs.compareAndSet(id, null, "ran")) {
                        throw new AssertionError("task " + id + " ran twice");
                    }
                    return id;
                });
                futures.add(f);
                Thread canceller = new Thread(() -> {
                    await(go);
                    f.cancel();
                });
                Thread getter = new Thread(() -> {
                    await(go);
                    try {
                        Integer v = f.get(30, TimeUnit.SECONDS);
                        if (v != id) {
                            getterFailure.compareAndSet(null, new AssertionError("task " + id + " got " + v));
                        }
                    } catch (CancellationException expected) {
                        // fine: cancel won
                    } catch (Throwable e) {
                        getterFailure.compareAndSet(null, e);
                    }
                });
                canceller.start();
                getter.start();
                await(go);
                f.addDoneCallback(x -> callbacks[id].incrementAndGet());
                canceller.join();
                getter.join();
            }
            pool.shutdown(true, false);
            assertThat(getterFailure.get()).isNull();
            long cancelled = 0;
            for (int i = 0; i < n; i++) {
                PoolFuture<Integer> f = futures.get(i);
                assertThat(f.isDone()).isTrue();
                assertThat(callbacks[i]).as("future %d callbacks", i).hasValue(1);
                if (f.isCancelled()) {
                    cancelled++;
                    assertThat(ranAs.get(i)).as("cancelled task %d ran", i).isNull();
                } else {
                    assertThat(f.status()).isEqualTo(Status.SUCCESS);
                    assertThat(f.resultNow()).isEqualTo(i);
                    assertThat(ranAs.get(i)).isEqualTo("ran");
                }
            }
            PoolStats s = pool.stats();
            assertThat(s.submitted()).isEqualTo(n);
            assertThat(s.cancelled()).isEqualTo(cancelled);
            assertThat(s.completed()).isEqualTo(n - cancelled);
            assertThat(s.failed()).isZero();
            assertThat(s.queued()).isZero();
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
