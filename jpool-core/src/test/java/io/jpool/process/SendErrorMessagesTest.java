package io.jpool.process;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.Task;
import io.jpool.TaskFailedException;
import io.jpool.TaskFunction;
import io.jpool.TaskTimeoutException;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a ProcessPool says when a task, function or item cannot be sent, and the one form of a time-out. */
class SendErrorMessagesTest {

    /** Serializable itself, but holding a thread. */
    static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        final Thread bar = new Thread(() -> { });
    }

    private int offset = 1;

    private int plusOffset(int x) {
        return x + offset;
    }

    @Test
    void aPlainCallableIsToldToBeATask() {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            Callable<Integer> plain = () -> 42;
            assertThatThrownBy(() -> pool.submit(plain))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("plain java.util.concurrent.Callable")
                    .hasMessageContaining("a ProcessPool runs only serializable tasks")
                    .hasMessageContaining("Declare it as io.jpool.Task");
        }
    }

    @Test
    void supplyAsyncOnAProcessPoolIsToldToUseAThreadPool() {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            assertThatThrownBy(() -> CompletableFuture.supplyAsync(() -> 42, pool))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("supplyAsync needs a ThreadPool")
                    .hasMessageContaining("io.jpool.Task");
        }
    }

    @Test
    void aLambdaCallingAnInstanceMethodIsToldItCapturesThis() {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            Task<Integer> t = () -> plusOffset(41);
            assertThatThrownBy(() -> pool.submit(t))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("task captures this (" + SendErrorMessagesTest.class.getName()
                            + ") is not Serializable")
                    .hasMessageContaining("captures `this`");
        }
    }

    @Test
    void theFieldPathToTheUnserializableValueIsGiven() {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            Holder h = new Holder();
            int n = 3;
            Task<Integer> t = () -> n + h.hashCode();
            assertThatThrownBy(() -> pool.submit(t))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("task captures arg$2 (" + Holder.class.getName()
                            + ") -> field bar (java.lang.Thread) is not Serializable");
        }
    }

    @Test
    void aCollectionElementIsNamedByItsPosition() {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            List<Object> list = new ArrayList<>(Arrays.asList("a", new Object()));
            Task<Integer> t = () -> list.size();
            assertThatThrownBy(() -> pool.submit(t))
                    .hasMessageContaining("task captures arg$1 (java.util.ArrayList) -> element [1] (java.lang.Object)"
                            + " is not Serializable");
        }
    }

    @Test
    void anUnserializableMapItemIsNamedByItsIndexWithoutTalkOfCaptures() {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            List<Object> items = Arrays.asList("a", "b", new Object(), "d");
            TaskFunction<Object, Integer> fn = x -> 1;
            Throwable cause = failureOfItem(pool.map(fn, items, MapOptions.defaults().chunksize(4)), 2);
            assertThat(cause).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("map item 2 (java.lang.Object) cannot be sent to a worker process: it is"
                            + " not Serializable");
            assertThat(cause.getMessage()).doesNotContain("captur");
        }
    }

    @Test
    void anItemHoldingAnUnserializableValueNamesTheField() {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            List<Object> items = Arrays.asList("a", new Holder());
            TaskFunction<Object, Integer> fn = x -> 1;
            Throwable cause = failureOfItem(pool.map(fn, items, MapOptions.defaults().chunksize(2)), 1);
            assertThat(cause).hasMessageStartingWith("map item 1 (" + Holder.class.getName() + ") cannot be sent to a"
                    + " worker process: its field bar (java.lang.Thread) is not Serializable");
        }
    }

    /** Iterates a map whose only failing item is {@code index}: the others yield 1; returns that item's cause. */
    private static Throwable failureOfItem(MapResult<Integer> results, int index) {
        Throwable cause = null;
        int i = 0;
        Iterator<Integer> it = results.iterator();
        while (it.hasNext()) {
            try {
                assertThat(it.next()).as("item %d", i).isEqualTo(1);
            } catch (TaskFailedException e) {
                assertThat(e.index()).isEqualTo(index);
                assertThat(i).isEqualTo(index);
                cause = e.getCause();
            }
            i++;
        }
        assertThat(cause).as("item %d failed", index).isNotNull();
        return cause;
    }

    @Test
    void timeOutsReadTheSameInBothPools() throws Exception {
        String expected = "task (a lambda in " + SendErrorMessagesTest.class.getName()
                + ") ran past its time limit of PT0.3S; ";
        Task<Integer> sleeper = () -> {
            Thread.sleep(60_000);
            return 1;
        };
        try (ThreadPool threads = ThreadPool.create(1)) {
            assertThat(failure(threads.submit(sleeper, Duration.ofMillis(300))))
                    .isInstanceOf(TaskTimeoutException.class)
                    .hasMessageStartingWith(expected + "its thread was interrupted");
        }
        List<Long> pids = new ArrayList<>();
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            PoolFuture<Integer> f = pool.submit(sleeper, Duration.ofMillis(300));
            pool.submit(() -> 1).get(60, TimeUnit.SECONDS);
            pids.addAll(pool.workerPids());
            assertThat(failure(f)).isInstanceOf(TaskTimeoutException.class)
                    .hasMessageStartingWith(expected + "its worker (pid ")
                    .hasMessageEndingWith(") was killed");
        }
        ProcessSupport.assertAllDead(pids);
    }

    private static Throwable failure(PoolFuture<?> f) throws InterruptedException {
        try {
            f.get(60, TimeUnit.SECONDS);
            throw new AssertionError("the task did not fail");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the task did not end", e);
        }
    }
}
