package io.jpool.future;

import io.jpool.PoolFuture;
import io.jpool.PoolFuture.Status;
import io.jpool.ThreadPool;
import io.jpool.internal.future.TaskFuture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.jpool.thread.PoolTestSupport.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CPython's test_future, re-expressed for {@link PoolFuture}: states, result/exception with
 * timeouts, callbacks, cancel, resultNow/exceptionNow and toCompletableFuture. The state machine
 * is driven directly ({@link TaskFuture} is what every pool returns) and, where a real task
 * matters, through a {@link ThreadPool}.
 */
class PoolFutureTest {

    /** Futures in each state, as CPython's create_future(state=...). */
    static TaskFuture<String> pending() {
        return new TaskFuture<>();
    }

    static TaskFuture<String> running() {
        TaskFuture<String> f = new TaskFuture<>();
        assertThat(f.tryStart()).isTrue();
        return f;
    }

    static TaskFuture<String> succeeded(String value) {
        TaskFuture<String> f = running();
        assertThat(f.complete(value)).isTrue();
        return f;
    }

    static TaskFuture<String> failed(Throwable error) {
        TaskFuture<String> f = running();
        assertThat(f.fail(error)).isTrue();
        return f;
    }

    static TaskFuture<String> cancelled() {
        TaskFuture<String> f = new TaskFuture<>();
        assertThat(f.cancel()).isTrue();
        return f;
    }

    @Test
    void statesAsSeenThroughRunningDoneCancelled() {
        record Row(PoolFuture<String> f, Status status, boolean running, boolean done, boolean cancelled) {
        }
        List<Row> rows = List.of(
                new Row(pending(), Status.PENDING, false, false, false),
                new Row(running(), Status.RUNNING, true, false, false),
                new Row(cancelled(), Status.CANCELLED, false, true, true),
                new Row(succeeded("x"), Status.SUCCESS, false, true, false),
                new Row(failed(new java.io.IOException()), Status.FAILED, false, true, false));
        for (Row r : rows) {
            assertThat(r.f().status()).as("%s", r).isEqualTo(r.status());
            assertThat(r.f().isRunning()).as("running %s", r).isEqualTo(r.running());
            assertThat(r.f().isDone()).as("done %s", r).isEqualTo(r.done());
            assertThat(r.f().isCancelled()).as("cancelled %s", r).isEqualTo(r.cancelled());
            assertThat(r.f().toString()).contains(r.status().name());
        }
    }

    @Test
    void resultAndExceptionOfDoneFutures() throws Exception {
        assertThat(succeeded("ok").get()).isEqualTo("ok");
        assertThat(succeeded("ok").get(0, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(succeeded("ok").exception(Duration.ZERO.plusMillis(1))).isNull();
        assertThat(succeeded(null).resultNow()).isNull();

        java.io.IOException boom = new java.io.IOException("boom");
        PoolFuture<String> f = failed(boom);
        // the same exception object every time, as CPython re-raises the same instance
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
        assertThatThrownBy(() -> f.get(1, TimeUnit.MILLISECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isSameAs(boom);
        assertThat(f.exception(null)).isSameAs(boom);
        assertThat(f.exception(Duration.ofMillis(1))).isSameAs(boom);
        assertThat(f.exceptionNow()).isSameAs(boom);

        PoolFuture<String> c = cancelled();
        assertThatThrownBy(c::get).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> c.get(1, TimeUnit.MILLISECONDS)).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> c.exception(null)).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> c.exception(Duration.ofMillis(1))).isInstanceOf(CancellationException.class);
    }

    @Test
    void resultAndExceptionTimeOutOnPendingAndRunningFutures() {
        for (PoolFuture<String> f : List.of(pending(), running())) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("the task goes on");
            assertThatThrownBy(() -> f.get(0, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> f.exception(Duration.ofMillis(10))).isInstanceOf(TimeoutException.class);
            assertThat(f.isDone()).isFalse(); // a timed-out wait changes nothing
        }
    }

    @Test
    void resultNowAndExceptionNowRejectTheWrongState() {
        for (PoolFuture<String> f : List.of(pending(), running())) {
            assertThatThrownBy(f::resultNow).isInstanceOf(IllegalStateException.class).hasMessageContaining("not completed");
            assertThatThrownBy(f::exceptionNow).isInstanceOf(IllegalStateException.class).hasMessageContaining("not completed");
        }
        assertThatThrownBy(succeeded("x")::exceptionNow).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("result");
        assertThatThrownBy(failed(new ArithmeticException("a"))::resultNow).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed");
        assertThatThrownBy(cancelled()::resultNow).isInstanceOf(IllegalStateException.class).hasMessageContaining("cancelled");
        assertThatThrownBy(cancelled()::exceptionNow).isInstanceOf(IllegalStateException.class).hasMessageContaining("cancelled");
    }

    @Test
    void aWaiterWakesWhenTheFutureEndsInAnotherThread() throws Exception {
        for (int outcome = 0; outcome < 3; outcome++) {
            TaskFuture<String> f = running();
            CompletableFuture<Object> seen = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    seen.complete(f.get(60, TimeUnit.SECONDS));
                } catch (Throwable t) {
                    seen.complete(t);
                }
            });
            waiter.start();
            awaitBlocked(waiter);
            assertThat(seen).isNotDone();
            IllegalStateException error = new IllegalStateException("e");
            switch (outcome) {
                case 0: f.complete("v"); break;
                case 1: f.fail(error); break;
                default: f.cancel(true);
            }
            Object got = seen.get(30, TimeUnit.SECONDS);
            waiter.join();
            switch (outcome) {
                case 0: assertThat(got).isEqualTo("v"); break;
                case 1: assertThat(got).isInstanceOf(ExecutionException.class);
                        assertThat(((Throwable) got).getCause()).isSameAs(error); break;
                default: assertThat(got).isInstanceOf(CancellationException.class);
            }
        }
    }

    @Test
    void anInterruptedWaiterThrowsInterruptedExceptionAndTheFutureIsUntouched() throws Exception {
        TaskFuture<String> f = running();
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                f.get();
                seen.complete(null);
            } catch (Throwable t) {
                seen.complete(t);
            }
        });
        waiter.start();
        awaitBlocked(waiter);
        waiter.interrupt();
        assertThat(seen.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(f.status()).isEqualTo(Status.RUNNING);
        assertThat(f.complete("later")).isTrue();
        assertThat(f.get()).isEqualTo("later");
    }

    @Test
    void cancelOnlyWorksOnPendingFuturesAndCallbacksRunOnce() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<PoolFuture<String>> arg = new AtomicReference<>();
        TaskFuture<String> f = pending();
        f.addDoneCallback(x -> {
            calls.incrementAndGet();
            arg.set(x);
        });
        assertThat(f.cancel()).isTrue();
        assertThat(f.cancel()).isTrue();
        assertThat(f.cancel(true)).isTrue();
        assertThat(calls).hasValue(1);
        assertThat(arg.get()).isSameAs(f);
        // a cancelled task never starts, and nothing can end it again
        assertThat(f.tryStart()).isFalse();
        assertThat(f.complete("x")).isFalse();
        assertThat(f.fail(new RuntimeException())).isFalse();
        assertThat(f.status()).isEqualTo(Status.CANCELLED);
        assertThat(calls).hasValue(1);

        TaskFuture<String> r = running();
        assertThat(r.cancel()).isFalse();
        assertThat(r.cancel(false)).isFalse();
        assertThat(r.status()).isEqualTo(Status.RUNNING);
        assertThat(r.cancel(true)).isTrue(); // JDK semantics: stops a running task
        assertThat(r.status()).isEqualTo(Status.CANCELLED);
        assertThat(r.complete("too late")).isFalse();

        assertThat(succeeded("x").cancel()).isFalse();
        assertThat(succeeded("x").cancel(true)).isFalse();
        assertThat(failed(new RuntimeException()).cancel(true)).isFalse();
    }

    @Test
    void aFutureEndsExactlyOnce() {
        TaskFuture<String> f = running();
        assertThat(f.complete("first")).isTrue();
        assertThat(f.complete("second")).isFalse();
        assertThat(f.fail(new RuntimeException())).isFalse();
        assertThat(f.failRunningAndStop(new RuntimeException())).isFalse();
        assertThat(f.resultNow()).isEqualTo("first");

        TaskFuture<String> p = pending(); // a pool broken before the task started fails it while PENDING
        RuntimeException broken = new RuntimeException("broken");
        assertThat(p.fail(broken)).isTrue();
        assertThat(p.exceptionNow()).isSameAs(broken);
        assertThat(p.tryStart()).isFalse();
        assertThatThrownBy(() -> p.fail(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void callbacksGetTheFutureRunOnceInOrderAndSurviveAThrowingOne() {
        for (int outcome = 0; outcome < 3; outcome++) {
            TaskFuture<String> f = running();
            List<Object> calls = new CopyOnWriteArrayList<>();
            f.addDoneCallback(x -> calls.add(x == f ? "a" : "wrong future"));
            f.addDoneCallback(x -> {
                throw new IllegalStateException("a bad callback is logged and does not stop the others");
            });
            f.addDoneCallback(x -> calls.add("b:" + x.status()));
            assertThat(calls).isEmpty();
            switch (outcome) {
                case 0: f.complete("v"); break;
                case 1: f.fail(new ArithmeticException()); break;
                default: f.cancel(true);
            }
            assertThat(calls).containsExactly("a", "b:" + f.status());
        }
    }

    @Test
    void aCallbackAddedToADoneFutureRunsAtOnceInTheCallersThread() {
        for (PoolFuture<String> f : List.of(succeeded("x"), failed(new RuntimeException()), cancelled())) {
            List<String> calls = new ArrayList<>();
            assertThat(f.addDoneCallback(x -> calls.add(Thread.currentThread().getName()))).isSameAs(f);
            assertThat(calls).containsExactly(Thread.currentThread().getName());
            // a throwing callback on a done future does not reach the caller either
            f.addDoneCallback(x -> {
                throw new IllegalStateException("logged");
            });
        }
        assertThatThrownBy(() -> pending().addDoneCallback(null)).isInstanceOf(NullPointerException.class);
    }

    /**
     * The state becomes visible before the completing thread has run the callbacks. A callback added
     * by a thread that already sees the future done must still run at once, in that thread, not
     * later in the completing thread. The completing thread is held inside its pool hook to make
     * the window wide.
     */
    @Test
    void aCallbackAddedOnceDoneIsVisibleRunsAtOnceEvenWhileTheCompleterIsStillFinishing() throws Exception {
        CountDownLatch inHook = new CountDownLatch(1);
        CountDownLatch releaseHook = new CountDownLatch(1);
        TaskFuture<String> f = new TaskFuture<>() {
            @Override
            protected void onDone(Status finalStatus, boolean wasRunning) {
                inHook.countDown();
                try {
                    releaseHook.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        assertThat(f.tryStart()).isTrue();
        List<String> calls = new CopyOnWriteArrayList<>();
        f.addDoneCallback(x -> calls.add("before"));
        Thread completer = new Thread(() -> f.complete("v"), "completer");
        completer.start();
        try {
            assertThat(inHook.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(f.isDone()).isTrue();
            assertThat(f.get()).isEqualTo("v");
            f.addDoneCallback(x -> calls.add("after on " + Thread.currentThread().getName()));
            assertThat(calls).as("callback added to a done future").contains("after on " + Thread.currentThread().getName());
            assertThat(f.toCompletableFuture()).isCompletedWithValue("v");
        } finally {
            releaseHook.countDown();
            completer.join();
        }
        assertThat(calls).hasSize(2).contains("before");
    }

    /** The same through a pool: after get() returns, a callback runs at once and toCompletableFuture is done. */
    @Test
    void afterGetReturnsCallbacksRunAtOnce() throws Exception {
        try (ThreadPool pool = ThreadPool.create(2)) {
            for (int i = 0; i < 2_000; i++) {
                PoolFuture<Integer> f = pool.submit(() -> 1);
                f.get();
                AtomicInteger ran = new AtomicInteger();
                f.addDoneCallback(x -> ran.incrementAndGet());
                assertThat(ran).as("iteration %d", i).hasValue(1);
                assertThat(f.toCompletableFuture()).as("iteration %d", i).isCompletedWithValue(1);
            }
        }
    }

    /**
     * Callbacks registered strictly before completion run in registration order, also when several
     * threads register (each thread's own callbacks keep its order) and the future completes in yet
     * another thread.
     */
    @Test
    void callbacksRegisteredBeforeCompletionRunInRegistrationOrder() throws Exception {
        int threads = 4;
        int perThread = 50;
        for (int iteration = 0; iteration < 200; iteration++) {
            TaskFuture<String> f = running();
            List<String> calls = new CopyOnWriteArrayList<>();
            List<String> registered = new CopyOnWriteArrayList<>();
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int k = 0; k < perThread; k++) {
                        String name = id + ":" + k;
                        f.addDoneCallback(x -> calls.add(name));
                    }
                });
                th.start();
                ts.add(th);
            }
            for (Thread th : ts) {
                th.join();
            }
            Thread completer = new Thread(() -> f.complete("done"));
            completer.start();
            completer.join();
            assertThat(calls).hasSize(threads * perThread);
            for (int t = 0; t < threads; t++) {
                String prefix = t + ":";
                List<String> mine = calls.stream().filter(c -> c.startsWith(prefix)).toList();
                List<String> expected = new ArrayList<>();
                for (int k = 0; k < perThread; k++) {
                    expected.add(prefix + k);
                }
                assertThat(mine).as("iteration %d thread %d", iteration, t).isEqualTo(expected);
            }
        }
    }

    @Test
    void toCompletableFutureFollowsEveryOutcomeOneWay() throws Exception {
        TaskFuture<String> f = running();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertThat(cf).isNotDone();
        f.complete("v");
        assertThat(cf).isCompletedWithValue("v");

        ArithmeticException error = new ArithmeticException("x");
        CompletableFuture<String> failedCf = failed(error).toCompletableFuture();
        assertThat(failedCf).isCompletedExceptionally();
        assertThatThrownBy(failedCf::join).cause().isSameAs(error);

        assertThat(cancelled().toCompletableFuture()).isCancelled();

        // one way: completing or cancelling the CompletableFuture does not touch the task
        TaskFuture<String> p = pending();
        CompletableFuture<String> pcf = p.toCompletableFuture();
        pcf.cancel(true);
        assertThat(p.status()).isEqualTo(Status.PENDING);
        TaskFuture<String> q = running();
        q.toCompletableFuture().complete("fake");
        assertThat(q.status()).isEqualTo(Status.RUNNING);
        q.complete("real");
        assertThat(q.get()).isEqualTo("real");
    }

    @Test
    void poolFutureOfACancelledPendingTaskNeverRuns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        try (ThreadPool pool = ThreadPool.create(1)) {
            PoolFuture<Object> blocker = pool.submit(() -> {
                started.countDown();
                release.await();
                return null;
            });
            PoolFuture<Integer> p = pool.submit(ran::incrementAndGet);
            started.await();
            AtomicInteger callbacks = new AtomicInteger();
            p.addDoneCallback(x -> callbacks.incrementAndGet());
            assertThat(p.cancel()).isTrue();
            assertThat(callbacks).hasValue(1); // the cancelling thread runs the callbacks
            release.countDown();
            blocker.get();
        }
        assertThat(ran).hasValue(0);
    }
}
