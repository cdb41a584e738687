package io.jpool;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** starmap, whenDone, isSuccessful, mapAsync, ThreadPool.create() and Futures over any Future. */
class PythonConveniencesTest {

    @Test
    void starmapAppliesTheFunctionToEveryPairInOrder() {
        try (ThreadPool pool = ThreadPool.create(2)) {
            List<Double> powers = pool.starmap((Integer x, Integer y) -> Math.pow(x, y), List.of(Map.entry(2, 5), Map.entry(3, 2), Map.entry(10, 0)))
                    .stream().collect(Collectors.toList());
            assertThat(powers).containsExactly(32.0, 9.0, 1.0);

            Map<String, Integer> stock = new LinkedHashMap<>();
            stock.put("apples", 3);
            stock.put("pears", 0);
            MapResult<String> lines = pool.starmap((String k, Integer v) -> k + "=" + v, stock.entrySet(),
                    MapOptions.defaults().chunksize(2));
            assertThat(lines.stream().collect(Collectors.toList())).containsExactly("apples=3", "pears=0");
        }
    }

    @Test
    void aFailingPairFailsOnlyItselfWithItsIndex() {
        try (ThreadPool pool = ThreadPool.create(2);
             MapResult<Integer> r = pool.starmap((Integer a, Integer b) -> a / b,
                     List.of(Map.entry(6, 3), Map.entry(1, 0), Map.entry(8, 2)))) {
            var it = r.iterator();
            assertThat(it.next()).isEqualTo(2);
            assertThatThrownBy(it::next).isInstanceOf(TaskFailedException.class)
                    .hasCauseInstanceOf(ArithmeticException.class).hasMessageContaining("1");
            assertThat(it.next()).isEqualTo(4);
        }
    }

    @Test
    void whenDoneGetsTheResultOrTheErrorOrACancellation() throws Exception {
        try (ThreadPool pool = ThreadPool.create(1)) {
            CompletableFuture<String> seen = new CompletableFuture<>();
            pool.submit(() -> "ok").whenDone((r, e) -> seen.complete(r + "/" + e));
            assertThat(seen.get(30, TimeUnit.SECONDS)).isEqualTo("ok/null");

            CompletableFuture<Throwable> error = new CompletableFuture<>();
            pool.submit((Task<String>) () -> {
                throw new IllegalStateException("boom");
            }).whenDone((r, e) -> error.complete(e));
            assertThat(error.get(30, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class).hasMessage("boom");

            CountDownLatch release = new CountDownLatch(1);
            PoolFuture<Boolean> blocker = pool.submit(() -> release.await(30, TimeUnit.SECONDS));
            CompletableFuture<Throwable> cancelled = new CompletableFuture<>();
            pool.submit(() -> "never").whenDone((r, e) -> cancelled.complete(e)).cancel();
            assertThat(cancelled.get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            release.countDown();
            blocker.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void isSuccessfulIsTrueOnlyOnceATaskSucceeded() throws Exception {
        try (ThreadPool pool = ThreadPool.create(1)) {
            CountDownLatch release = new CountDownLatch(1);
            PoolFuture<Integer> f = pool.submit(() -> {
                release.await();
                return 1;
            });
            assertThat(f.isSuccessful()).isFalse();
            release.countDown();
            f.get(30, TimeUnit.SECONDS);
            assertThat(f.isSuccessful()).isTrue();
            PoolFuture<Integer> failed = pool.submit((Task<Integer>) () -> {
                throw new IllegalStateException("no");
            });
            assertThat(failed.exception(Duration.ofSeconds(30))).isNotNull();
            assertThat(failed.isDone()).isTrue();
            assertThat(failed.isSuccessful()).isFalse();
        }
    }

    @Test
    void mapAsyncGivesOneFutureOfAllResultsInOrder() throws Exception {
        try (ThreadPool pool = ThreadPool.create(3)) {
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                items.add(i);
            }
            CompletableFuture<List<Integer>> seen = new CompletableFuture<>();
            PoolFuture<List<Integer>> all = pool.mapAsync((Integer x) -> x * 2, items, MapOptions.defaults().chunksize(7))
                    .whenDone((r, e) -> seen.complete(r));
            List<Integer> expected = items.stream().map(x -> x * 2).collect(Collectors.toList());
            assertThat(all.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
            assertThat(seen.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
            assertThat(pool.mapAsync((Integer x) -> x, List.<Integer>of()).get(30, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void mapAsyncFailsWithTheFirstFailedItemsIndex() {
        try (ThreadPool pool = ThreadPool.create(2)) {
            PoolFuture<List<Integer>> all = pool.mapAsync((Integer x) -> 10 / (x - 5), List.of(1, 2, 3, 4, 5, 6, 7, 5),
                    MapOptions.defaults().chunksize(3));
            assertThatThrownBy(() -> all.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TaskFailedException.class).hasMessageContaining("4")
                    .hasCauseInstanceOf(ArithmeticException.class);
            assertThat(((TaskFailedException) all.exceptionNow()).index()).isEqualTo(4);
        }
    }

    @Test
    void starmapAndMapAsyncRunInAProcessPool() throws Exception {
        List<Long> pids;
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(1).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                .workerOutput(WorkerOutput.DISCARD).build()) {
            assertThat(pool.starmap((String s, Integer n) -> s.repeat(n), List.of(Map.entry("ab", 2), Map.entry("c", 3)))
                    .stream().collect(Collectors.toList())).containsExactly("abab", "ccc");
            assertThat(pool.mapAsync((Integer x) -> x + 1, List.of(1, 2, 3), MapOptions.defaults().chunksize(2))
                    .get(60, TimeUnit.SECONDS)).containsExactly(2, 3, 4);
            PoolFuture<List<Integer>> failing = pool.mapAsync((Integer x) -> 6 / x, List.of(1, 2, 0),
                    MapOptions.defaults().chunksize(2));
            assertThat(failing.exception(Duration.ofSeconds(60))).isInstanceOf(TaskFailedException.class)
                    .hasCauseInstanceOf(ArithmeticException.class);
            assertThat(((TaskFailedException) failing.exceptionNow()).index()).isEqualTo(2);
            pids = pool.workerPids();
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        }
    }

    @Test
    void createWithoutASizeHasPythonsDefaultSize() throws Exception {
        int expected = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        CyclicBarrier all = new CyclicBarrier(expected);
        try (ThreadPool pool = ThreadPool.create()) {
            List<PoolFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < expected; i++) {
                fs.add(pool.submit(() -> all.await(30, TimeUnit.SECONDS)));
            }
            for (PoolFuture<Integer> f : fs) {
                f.get(60, TimeUnit.SECONDS); // each waits for all the others: they run at once
            }
        }
    }

    @Test
    void asCompletedAndWaitForTakeTheFuturesOfInvokeAllAndOthers() throws Exception {
        try (ThreadPool pool = ThreadPool.create(2)) {
            List<Callable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> 3);
            List<Future<Integer>> fromInvokeAll = pool.invokeAll(tasks);
            List<Integer> seen = new ArrayList<>();
            for (PoolFuture<Integer> f : Futures.asCompleted(Futures.of(fromInvokeAll), Duration.ofSeconds(30))) {
                seen.add(f.resultNow());
            }
            assertThat(seen).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(Futures.of(fromInvokeAll).get(0)).isSameAs(fromInvokeAll.get(0));

            CompletableFuture<Integer> cf = new CompletableFuture<>();
            CompletableFuture<Integer> failing = new CompletableFuture<>();
            FutureTask<Integer> plain = new FutureTask<>(() -> 7);
            List<PoolFuture<Integer>> adapted = Futures.of(List.of(cf, failing, plain));
            DoneAndNotDone<Integer> none = Futures.waitFor(adapted, Duration.ofMillis(50), ReturnWhen.FIRST_COMPLETED);
            assertThat(none.done()).isEmpty();
            cf.complete(5);
            failing.completeExceptionally(new IllegalStateException("x"));
            plain.run();
            DoneAndNotDone<Integer> r = Futures.waitFor(adapted, Duration.ofSeconds(30), ReturnWhen.ALL_COMPLETED);
            assertThat(r.notDone()).isEmpty();
            assertThat(adapted.get(0).resultNow()).isEqualTo(5);
            assertThat(adapted.get(1).exceptionNow()).isInstanceOf(IllegalStateException.class);
            assertThat(adapted.get(2).resultNow()).isEqualTo(7);
        }
    }
}
