package io.jpool.internal.process;

import io.jpool.BrokenPoolException;
import io.jpool.Manager;
import io.jpool.ManagerClosedException;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A careless user's mistakes against the process pool and the Manager, one row each: every one
 * ends, within a bound, in an exception whose message says what was wrong and what to do; none
 * hangs. A row's action runs on a thread of its own so that a hang fails the row, not the suite.
 */
class CarelessUserTest {
    /** How long a row may take: a worker's start on a loaded machine, far below a hang. */
    private static final int ROW_SECONDS = 60;
    private static ProcessPoolImpl pool;
    private static ProcessPoolImpl closedPool;

    @BeforeAll
    static void pools() {
        pool = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(1));
        closedPool = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(1));
        closedPool.close();
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    /** What a row does; what it throws (or returns, an exception included) is checked. */
    interface Action {
        Object run() throws Throwable;
    }

    private static Arguments row(String mistake, Action action, Class<? extends Throwable> type, String... says) {
        return Arguments.of(mistake, action, type, says);
    }

    static Stream<Arguments> mistakes() {
        Object notSerializable = new Object();
        ProcessPoolImpl own = pool; // a local: a lambda captures it (a static field it would not)
        return Stream.of(
                row("maxWorkers(0)", () -> ProcessPool.builder().maxWorkers(0),
                        IllegalArgumentException.class, "maxWorkers", "at least 1", "0"),
                row("maxWorkers(-3)", () -> ProcessPool.builder().maxWorkers(-3),
                        IllegalArgumentException.class, "maxWorkers", "at least 1", "-3"),
                row("retries(-1)", () -> ProcessPool.builder().retries(-1),
                        IllegalArgumentException.class, "retries", "at least 0"),
                row("taskTimeout(0)", () -> ProcessPool.builder().taskTimeout(Duration.ZERO),
                        IllegalArgumentException.class, "taskTimeout", "positive", "null for no limit"),
                row("maxResultBytes(0)", () -> ProcessPool.builder().maxResultBytes(0),
                        IllegalArgumentException.class, "maxResultBytes", "at least 1"),
                row("jvmOptions(null)", () -> ProcessPool.builder().jvmOptions((String[]) null),
                        NullPointerException.class, "jvmOptions is null"),
                row("submit(null)", () -> pool.submit((Task<Object>) null),
                        NullPointerException.class, "task is null"),
                row("a negative task timeout", () -> pool.submit(() -> 1, Duration.ofSeconds(-1)),
                        IllegalArgumentException.class, "timeout must be positive", "null for no limit"),
                row("a zero task timeout", () -> pool.submit(() -> 1, Duration.ZERO),
                        IllegalArgumentException.class, "timeout must be positive"),
                row("a lambda capturing a non-serializable object", () -> pool.submit(() -> notSerializable.hashCode()),
                        IllegalArgumentException.class, "java.lang.Object", "not Serializable",
                        "capture only Serializable values"),
                row("submit from inside a task of the same pool (it captures the pool)",
                        () -> pool.submit(() -> own.submit(() -> 1).get()),
                        IllegalArgumentException.class, "ProcessPoolImpl", "not Serializable"),
                row("close() from inside a task (it captures the pool)", () -> pool.submit(() -> {
                    own.close();
                    return 1;
                }), IllegalArgumentException.class, "ProcessPoolImpl", "not Serializable"),
                row("a non-serializable result", () -> pool.submit(() -> new Object()).get(ROW_SECONDS, TimeUnit.SECONDS),
                        ExecutionException.class, "java.lang.Object", "could not be serialized",
                        "return a Serializable value"),
                row("map(null, items)", () -> pool.map(null, List.of(1)),
                        NullPointerException.class, "map function is null"),
                row("map(fn, null)", () -> pool.map(x -> x, (List<Integer>) null),
                        NullPointerException.class, "pass an empty list"),
                row("submit after close", () -> closedPool.submit(() -> 1),
                        RejectedExecutionException.class, "shut down", "create a new pool"),
                row("map after close", () -> closedPool.map(x -> x, List.of(1)),
                        RejectedExecutionException.class, "shut down", "create a new pool"),
                row("prestart after close", () -> closedPool.prestart(),
                        RejectedExecutionException.class, "shut down", "create a new pool"),
                row("a task class missing on the workers' class path", CarelessUserTest::classMissingOnWorker,
                        ExecutionException.class, "cannot load class", "class path", "classpath(...)"),
                row("a huge jvmOptions list", CarelessUserTest::hugeJvmOptions,
                        ExecutionException.class, "command line", "pass fewer or shorter jvmOptions"),
                row("close() in a done-callback (on the worker's reader)", () -> closeInCallback(false),
                        IllegalStateException.class, "done-callback", "call shutdown(false", "awaitTermination"),
                row("a Manager queue of capacity 0", () -> {
                    try (Manager m = Manager.start()) {
                        return m.queue("q", 0);
                    }
                }, IllegalArgumentException.class, "capacity"),
                row("a Manager used after close", () -> {
                    Manager m = Manager.start();
                    m.close();
                    return m.counter("c");
                }, ManagerClosedException.class, "closed"),
                row("a shared object used after its Manager closed", () -> {
                    Manager m = Manager.start();
                    io.jpool.SharedCounter c = m.counter("c");
                    m.close();
                    return c.incrementAndGet();
                }, ManagerClosedException.class, "closed", "only while their Manager is open"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeEndsInAnExceptionThatSaysWhatWasWrongAndWhatToDo(String mistake, Action action,
            Class<? extends Throwable> type, String[] says) throws Exception {
        CompletableFuture<Throwable> ended = CompletableFuture.supplyAsync(() -> {
            try {
                Object r = action.run();
                return r instanceof Throwable ? (Throwable) r : null;
            } catch (Throwable e) {
                return e;
            }
        });
        Throwable e = ended.get(ROW_SECONDS * 2, TimeUnit.SECONDS);
        assertThat(e).as("%s: an exception", mistake).isInstanceOf(type);
        String message = e instanceof ExecutionException ? e.getCause().toString() : e.getMessage();
        for (String s : says) {
            assertThat(message).as("%s: the message says \"%s\"", mistake, s).contains(s);
        }
    }

    /** The task's class is not on the workers' class path: only jpool's is. */
    private static Object classMissingOnWorker() throws Exception {
        String cp = Path.of(ProcessPool.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        try (ProcessPool p = ProcessPoolCloseHangTest.builder(1).classpath(cp).build()) {
            return p.submit(() -> 1).get(ROW_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** More option text than the system takes on a command line (E2BIG). */
    private static Object hugeJvmOptions() throws Exception {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            options.add("-Djpool.test.p" + i + "=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        }
        try (ProcessPool p = ProcessPoolCloseHangTest.builder(1).jvmOptions(options.toArray(new String[0])).build()) {
            PoolFuture<Integer> f = p.submit(() -> 1);
            try {
                return f.get(ROW_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(BrokenPoolException.class);
                throw e;
            }
        }
    }

    /**
     * Closes a fresh pool from a done-callback; returns what close() threw there, after checking
     * that the pool terminated on its own all the same.
     */
    private static Object closeInCallback(boolean timedOut) throws Exception {
        ProcessPoolImpl p = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(1));
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        // the task outlasts the moment between submit and addDoneCallback even on a stalled
        // machine: a callback added to a done future would run here, on the caller
        Task<Integer> task = timedOut ? () -> {
            Thread.sleep(120_000);
            return 1;
        } : () -> {
            Thread.sleep(500);
            return 1;
        };
        p.submit(task, timedOut ? Duration.ofMillis(300) : null).addDoneCallback(done -> {
            try {
                p.close();
                thrown.complete(null);
            } catch (Throwable e) {
                thrown.complete(e);
            }
        });
        Throwable e = thrown.get(ROW_SECONDS, TimeUnit.SECONDS);
        assertThat(p.awaitTermination(ROW_SECONDS, TimeUnit.SECONDS)).as("the pool terminated on its own").isTrue();
        return e;
    }

    /**
     * The callbacks of a task that timed out run on a thread of their own, not on the timer that
     * kills workers past their grace: there close() returns once the pool has terminated.
     */
    @Test
    void closeInTheDoneCallbackOfATaskThatTimedOutReturns() throws Exception {
        assertThat(closeInCallback(true)).as("what close() threw in the callback").isNull();
    }

    /** A callback that cancels runs on the canceller's thread: there close() returns once the task's worker is gone. */
    @Test
    void closeInTheDoneCallbackOfARunningTaskItCancelsReturns() throws Exception {
        ProcessPoolImpl p = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(1));
        ProcessPoolCloseHangTest.Thrower hook = new ProcessPoolCloseHangTest.Thrower(java.util.Set.of());
        p.lifecycleHook(hook);
        PoolFuture<Long> running = p.submit(() -> ProcessHandle.current().pid());
        running.get(ROW_SECONDS, TimeUnit.SECONDS); // a worker is up
        PoolFuture<Integer> f = p.submit(() -> {
            Thread.sleep(120_000);
            return 1;
        });
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        f.addDoneCallback(done -> {
            try {
                p.close();
                closed.complete(null);
            } catch (Throwable e) {
                closed.complete(e);
            }
        });
        while (!f.isRunning()) {
            Thread.onSpinWait(); // it runs as soon as the idle worker has its frame
        }
        CompletableFuture<Boolean> cancel = CompletableFuture.supplyAsync(() -> f.cancel(true));
        assertThat(cancel.get(ROW_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(closed.get(ROW_SECONDS, TimeUnit.SECONDS)).isNull();
        assertThat(p.isTerminated()).isTrue();
        PoolLeaks.assertNothingLeft(p, hook.workers);
    }
}
