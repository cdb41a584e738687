package io.jpool.thread;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.TaskFailedException;
import io.jpool.ThreadPool;
import io.jpool.WaitTimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ThreadPool.map: order, chunks, lazy backpressure, one deadline, failures, close, stream, progress. */
class ThreadPoolMapTest {

    /** 0, 1, 2, ... forever, counting how many were pulled. Not a Collection: its size is unknown. */
    static final class Endless implements Iterable<Integer> {
        final AtomicLong pulled = new AtomicLong();

        @Override
        public Iterator<Integer> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Integer next() {
                    return (int) pulled.getAndIncrement();
                }
            };
        }
    }

    /** The first {@code n} integers, as a plain Iterable (not a Collection). */
    static Iterable<Integer> range(int n) {
        return () -> IntStream.range(0, n).iterator();
    }

    static List<Integer> list(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    static <R> List<R> collect(MapResult<R> r) {
        List<R> out = new ArrayList<>();
        r.forEach(out::add);
        return out;
    }

    @Test
    void resultsComeInInputOrderWhateverTheCompletionOrder() {
        try (ThreadPool pool = ThreadPool.create(2)) {
            // item 0 finishes last: it waits until 1, 2 and 3 are done
            CountDownLatch othersDone = new CountDownLatch(3);
            List<Integer> out = collect(pool.map(x -> {
                if (x == 0) {
                    othersDone.await();
                } else {
                    othersDone.countDown();
                }
                return x * 10;
            }, list(4)));
            assertThat(out).containsExactly(0, 10, 20, 30);
            assertThat(collect(pool.map(x -> x * x, range(1000), MapOptions.defaults().chunksize(7))))
                    .isEqualTo(IntStream.range(0, 1000).map(x -> x * x).boxed().collect(Collectors.toList()));
        }
    }

    @Test
    void unorderedResultsComeInCompletionOrder() {
        try (ThreadPool pool = ThreadPool.create(2)) {
            CountDownLatch gate = new CountDownLatch(1);
            Iterator<Integer> it = pool.map(x -> {
                if (x == 0) {
                    gate.await();
                }
                return x;
            }, list(4), MapOptions.defaults().ordered(false)).iterator();
            // one worker holds item 0 while the other runs 1, 2, 3 (in queue order), and the caller
            // gets them as they complete, not waiting for item 0
            assertThat(List.of(it.next(), it.next(), it.next())).containsExactly(1, 2, 3);
            gate.countDown();
            assertThat(it.next()).isZero();
            assertThat(it.hasNext()).isFalse();
            assertThat(collect(pool.map(x -> x + 1, range(5000), MapOptions.defaults().ordered(false).chunksize(13))))
                    .hasSize(5000).containsExactlyInAnyOrderElementsOf(
                            IntStream.rangeClosed(1, 5000).boxed().collect(Collectors.toList()));
        }
    }

    /** Work helping: a task mapping over its own one-worker pool runs the chunks inline. */
    @Test
    void aMapInsideATaskOfItsOwnPoolDoesNotDeadlock() throws Exception {
        ThreadPool one = ThreadPool.create(1);
        try {
            for (MapOptions options : List.of(MapOptions.defaults(), MapOptions.defaults().ordered(false),
                    MapOptions.defaults().ordered(false).chunksize(2).buffersize(1))) {
                PoolFuture<Integer> f = one.submit(() -> {
                    int sum = 0;
                    for (int x : one.map(x -> x, list(10), options)) {
                        sum += x;
                    }
                    return sum;
                });
                assertThat(f.get(30, TimeUnit.SECONDS)).as("%s", options).isEqualTo(45);
            }
        } finally {
            one.shutdownNow(); // a deadlocked worker would otherwise keep close() waiting forever
        }
    }

    @Test
    void chunksizeBatchesItemsIntoOneTaskEach() {
        try (ThreadPool pool = ThreadPool.create(3)) {
            List<String> out = collect(pool.map(x -> x + "@" + Thread.currentThread().getName(), list(10),
                    MapOptions.defaults().chunksize(3)));
            assertThat(out).hasSize(10);
            for (int i = 0; i < 10; i++) {
                assertThat(out.get(i)).startsWith(i + "@");
            }
            // the items of one chunk run in one thread, one after the other
            for (int chunk = 0; chunk < 4; chunk++) {
                List<String> threads = new ArrayList<>();
                for (int i = chunk * 3; i < Math.min(10, chunk * 3 + 3); i++) {
                    threads.add(out.get(i).substring(out.get(i).indexOf('@')));
                }
                assertThat(threads).as("chunk %d", chunk).containsOnly(threads.get(0));
            }
            assertThat(pool.stats().submitted()).isEqualTo(4); // 3 + 3 + 3 + 1
        }
    }

    @Test
    void anEndlessInputIsConsumedOnlyAsResultsAreTaken() {
        int chunksize = 3;
        int buffersize = 2;
        int bound = (buffersize + 1) * chunksize; // the chunks in flight plus the one being handed out
        Endless input = new Endless();
        try (ThreadPool pool = ThreadPool.create(4)) {
            MapResult<Integer> r = pool.map(x -> 2 * x, input,
                    MapOptions.defaults().chunksize(chunksize).buffersize(buffersize));
            assertThat(input.pulled.get()).as("pulled by map() itself").isLessThanOrEqualTo((long) buffersize * chunksize);
            Iterator<Integer> it = r.iterator();
            for (int consumed = 1; consumed <= 300; consumed++) {
                assertThat(it.next()).isEqualTo(2 * (consumed - 1));
                assertThat(input.pulled.get() - consumed).as("read ahead after %d results", consumed)
                        .isBetween(0L, (long) bound);
            }
            r.close();
            long pulledAtClose = input.pulled.get();
            assertThat(it.hasNext()).isFalse();
            assertThat(input.pulled.get()).isEqualTo(pulledAtClose);
        }
        // the default buffer is bounded as well
        Endless other = new Endless();
        try (ThreadPool pool = ThreadPool.create(2)) {
            try (MapResult<Integer> r = pool.map(x -> x, other)) {
                Iterator<Integer> it = r.iterator();
                for (int consumed = 1; consumed <= 2000; consumed++) {
                    it.next();
                    assertThat(other.pulled.get() - consumed).isLessThanOrEqualTo(64);
                }
            }
            PoolStats s = pool.stats();
            pool.shutdown(true, false);
            assertThat(s.submitted()).isLessThan(2100);
        }
    }

    @Test
    void theTimeoutIsOneDeadlineForTheWholeMap() {
        try (ThreadPool pool = ThreadPool.create(1)) {
            CountDownLatch never = new CountDownLatch(1);
            long start = System.nanoTime();
            MapResult<Integer> r = pool.map(x -> {
                never.await(150, TimeUnit.MILLISECONDS); // each item takes about 150 ms: time is the point here
                return x;
            }, list(4), MapOptions.defaults().timeout(Duration.ofMillis(400)));
            List<Integer> got = new ArrayList<>();
            Iterator<Integer> it = r.iterator();
            assertThatThrownBy(() -> {
                while (it.hasNext()) {
                    got.add(it.next());
                }
            }).isInstanceOf(WaitTimeoutException.class).hasMessageContaining("timeout");
            // every single wait was shorter than the timeout, but all four together are not
            assertThat(got).hasSizeLessThan(4);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
            r.close();
        }
    }

    @Test
    void aTimedOutMapLeavesItsTasksRunningUntilClosed() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (ThreadPool pool = ThreadPool.create(1)) {
            MapResult<Integer> r = pool.map(x -> {
                calls.incrementAndGet();
                if (x == 1) {
                    secondStarted.countDown();
                    gate.await();
                }
                return x;
            }, list(3), MapOptions.defaults().timeout(Duration.ofSeconds(2)).buffersize(3));
            Iterator<Integer> it = r.iterator();
            assertThat(it.next()).isZero(); // a trivial item: well within the deadline, even on a loaded machine
            assertThatThrownBy(it::next).isInstanceOf(WaitTimeoutException.class)
                    .hasMessageContaining("(1 item done)"); // item 0; item 1 holds the one worker, item 2 waits
            assertThat(secondStarted.await(30, TimeUnit.SECONDS)).isTrue();
            r.close(); // cancels item 2, which has not started; item 1 runs on
            gate.countDown();
            pool.shutdown(true, false);
            assertThat(calls).hasValue(2);
            PoolStats s = pool.stats();
            assertThat(s.completed()).isEqualTo(2);
            assertThat(s.cancelled()).isEqualTo(1);
        }
    }

    @Test
    void theTimeoutMessageCountsTheItemsDoneTakenOrNot() throws Exception {
        for (boolean ordered : new boolean[] {true, false}) {
            CountDownLatch gate = new CountDownLatch(1);
            CountDownLatch lastRan = new CountDownLatch(1);
            try (ThreadPool pool = ThreadPool.create(2)) {
                MapResult<Integer> r = pool.map(x -> {
                    if (x == 1) {
                        gate.await(); // holds one worker past the deadline
                    } else if (x == 2) {
                        lastRan.countDown();
                    }
                    return x;
                }, list(3), MapOptions.defaults().timeout(Duration.ofMillis(500)).buffersize(3).ordered(ordered));
                Iterator<Integer> it = r.iterator();
                assertThat(lastRan.await(30, TimeUnit.SECONDS)).isTrue();
                List<Integer> got = new ArrayList<>();
                // ordered: item 0 is taken, item 2 is done and waits behind item 1; unordered: both are taken
                assertThatThrownBy(() -> {
                    while (it.hasNext()) {
                        got.add(it.next());
                    }
                }).isInstanceOf(WaitTimeoutException.class).hasMessageContaining("(2 items done)");
                assertThat(got).as("ordered=" + ordered).isEqualTo(ordered ? List.of(0) : List.of(0, 2));
                r.close();
                gate.countDown();
            }
        }
    }

    @Test
    void aFailedItemThrowsTaskFailedExceptionWithItsIndexAndIterationGoesOn() {
        try (ThreadPool pool = ThreadPool.create(3)) {
            for (MapOptions options : List.of(MapOptions.defaults(), MapOptions.defaults().chunksize(3),
                    MapOptions.defaults().chunksize(4).ordered(false))) {
                MapResult<Integer> r = pool.map(x -> {
                    if (x == 7) {
                        throw new java.io.IOException("seven");
                    }
                    return x;
                }, list(10), options);
                List<Integer> ok = new ArrayList<>();
                List<TaskFailedException> failures = drain(r, ok);
                assertThat(failures).as("%s", options).hasSize(1);
                TaskFailedException e = failures.get(0);
                assertThat(e.index()).isEqualTo(7);
                assertThat(e.getCause()).isInstanceOf(java.io.IOException.class).hasMessage("seven");
                assertThat(e.getMessage()).contains("7");
                assertThat(ok).as("%s", options).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 8, 9);
                if (options.ordered()) {
                    assertThat(ok).containsExactly(0, 1, 2, 3, 4, 5, 6, 8, 9);
                }
            }
        }
    }

    /** Iterates {@code r} to its end: values into {@code ok}, and the failed items' exceptions returned. */
    private static List<TaskFailedException> drain(MapResult<Integer> r, List<Integer> ok) {
        List<TaskFailedException> failures = new ArrayList<>();
        Iterator<Integer> it = r.iterator();
        while (it.hasNext()) {
            try {
                ok.add(it.next());
            } catch (TaskFailedException e) {
                failures.add(e);
            }
        }
        return failures;
    }

    @Test
    void anItemThatThrowsAnErrorFailsAloneNotTheRestOfItsChunk() {
        try (ThreadPool pool = ThreadPool.create(2)) {
            MapResult<Integer> r = pool.map(x -> {
                if (x == 4) {
                    throw new StackOverflowError("item four recursed too deep");
                }
                return x;
            }, list(10), MapOptions.defaults().chunksize(5));
            List<Integer> ok = new ArrayList<>();
            List<TaskFailedException> failures = drain(r, ok);
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0).index()).isEqualTo(4);
            assertThat(failures.get(0).getCause()).isInstanceOf(StackOverflowError.class);
            assertThat(ok).containsExactly(0, 1, 2, 3, 5, 6, 7, 8, 9);
        }
    }

    @Test
    void closingTheResultCancelsWhatIsPending() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (ThreadPool pool = ThreadPool.create(1)) {
            MapResult<Integer> r = pool.map(x -> {
                calls.incrementAndGet();
                started.countDown();
                gate.await();
                return x;
            }, list(100), MapOptions.defaults().buffersize(4));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            r.close();
            r.close(); // idempotent
            gate.countDown();
            pool.shutdown(true, false);
            PoolStats s = pool.stats();
            assertThat(s.submitted()).isEqualTo(4);
            assertThat(s.cancelled()).isEqualTo(3);
            assertThat(s.completed()).isEqualTo(1);
            assertThat(calls).hasValue(1);
            Iterator<Integer> it = r.iterator();
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void closingAnUnorderedResultCancelsWhatIsPending() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        try (ThreadPool pool = ThreadPool.create(1)) {
            MapResult<Integer> r = pool.map(x -> {
                started.countDown();
                gate.await();
                return x;
            }, new Endless(), MapOptions.defaults().buffersize(5).ordered(false));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            r.close();
            gate.countDown();
            pool.shutdown(true, false);
            PoolStats s = pool.stats();
            assertThat(s.submitted()).isEqualTo(5);
            assertThat(s.cancelled()).isEqualTo(4);
        }
    }

    @Test
    void streamGivesTheResultsAndClosingItCancelsTheRest() {
        Endless input = new Endless();
        try (ThreadPool pool = ThreadPool.create(2)) {
            assertThat(pool.map(x -> x * 3, list(5)).stream().collect(Collectors.toList()))
                    .containsExactly(0, 3, 6, 9, 12);
            List<Integer> first;
            try (Stream<Integer> s = pool.map(x -> x, input, MapOptions.defaults().buffersize(3)).stream()) {
                first = s.limit(10).collect(Collectors.toList());
            }
            assertThat(first).isEqualTo(list(10));
            long pulled = input.pulled.get();
            assertThat(pulled).isLessThanOrEqualTo(10 + 4);
            pool.shutdown(true, false);
            PoolStats st = pool.stats();
            assertThat(st.completed() + st.cancelled() + st.failed()).isEqualTo(st.submitted());
            assertThat(input.pulled.get()).isEqualTo(pulled);
        }
    }

    @Test
    void progressIsReportedUpToDoneEqualsTotal() throws Exception {
        try (ThreadPool pool = ThreadPool.create(3)) {
            for (boolean sized : List.of(true, false)) {
                List<long[]> calls = new CopyOnWriteArrayList<>();
                CountDownLatch finished = new CountDownLatch(1);
                Iterable<Integer> items = sized ? list(20) : range(20);
                List<Integer> out = collect(pool.map(x -> x, items, MapOptions.defaults().chunksize(5).buffersize(2)
                        .onProgress((done, total) -> {
                            calls.add(new long[] {done, total});
                            if (done == 20 && total == 20) {
                                finished.countDown();
                            }
                        })));
                assertThat(out).hasSize(20);
                // the last report may come from the worker just after the caller took the result
                assertThat(finished.await(30, TimeUnit.SECONDS)).as("sized=%s", sized).isTrue();
                for (long[] c : calls) {
                    assertThat(c[0]).isBetween(0L, 20L);
                    if (sized) {
                        assertThat(c[1]).as("a collection's size is known from the start").isEqualTo(20);
                    } else {
                        assertThat(c[1]).isIn(-1L, 20L);
                    }
                }
                assertThat(calls.stream().filter(c -> c[0] > 0).map(c -> c[0])).isSubsetOf(5L, 10L, 15L, 20L);
            }
        }
    }

    @Test
    void aThrowingProgressListenerDoesNotBreakTheMap() {
        try (ThreadPool pool = ThreadPool.create(2)) {
            assertThat(collect(pool.map(x -> x, list(10), MapOptions.defaults().onProgress((d, t) -> {
                throw new IllegalStateException("listener bug");
            })))).isEqualTo(list(10));
        }
    }

    @Test
    void aResultCanBeIteratedOnlyOnce() {
        try (ThreadPool pool = ThreadPool.create(1)) {
            MapResult<Integer> r = pool.map(x -> x, list(3));
            assertThat(collect(r)).containsExactly(0, 1, 2);
            assertThatThrownBy(r::iterator).isInstanceOf(IllegalStateException.class).hasMessageContaining("only once");
            assertThatThrownBy(r::stream).isInstanceOf(IllegalStateException.class).hasMessageContaining("only once");
            MapResult<Integer> s = pool.map(x -> x, list(3));
            s.stream().close();
            assertThatThrownBy(s::iterator).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void emptyInputGivesNoResults() {
        try (ThreadPool pool = ThreadPool.create(1)) {
            assertThat(collect(pool.map(x -> x, List.<Integer>of()))).isEmpty();
            assertThat(collect(pool.map(x -> x, range(0), MapOptions.defaults().ordered(false)))).isEmpty();
            assertThat(pool.stats().submitted()).isZero();
        }
    }

    @Test
    void badArgumentsAreRejectedAtOnce() {
        assertThatThrownBy(() -> MapOptions.defaults().chunksize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunksize");
        assertThatThrownBy(() -> MapOptions.defaults().chunksize(-5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MapOptions.defaults().buffersize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("buffersize");
        assertThatThrownBy(() -> MapOptions.defaults().buffersize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MapOptions.defaults().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> MapOptions.defaults().timeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MapOptions.defaults().timeout(null).timeout()).isNull();
        assertThatThrownBy(() -> MapOptions.defaults().onProgress(null)).isInstanceOf(NullPointerException.class);
        try (ThreadPool pool = ThreadPool.create(1)) {
            assertThatThrownBy(() -> pool.map(null, list(1))).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("function");
            assertThatThrownBy(() -> pool.map(x -> x, null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("items");
            assertThatThrownBy(() -> pool.map(x -> x, list(1), null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("options");
            pool.shutdown(true, false);
            assertThatThrownBy(() -> pool.map(x -> x, list(1))).isInstanceOf(RejectedExecutionException.class);
        }
    }
}
