package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.ProcessPool;
import io.jpool.RemoteTaskException;
import io.jpool.Task;
import io.jpool.WorkerOutput;
import io.jpool.internal.process.ProcessPoolProbe;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Running tasks in worker JVMs: results, reuse, errors and serialization (CPython test_process_pool). */
class ProcessPoolBasicsTest {

    static long pid() {
        return ProcessHandle.current().pid();
    }

    @Test
    void tasksRunInAFewReusedWorkerProcesses() throws Exception {
        Set<Long> seen = new HashSet<>();
        try (ProcessPool pool = ProcessSupport.pool(2).build()) {
            List<PoolFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(pool.submit(ProcessPoolBasicsTest::pid));
            }
            for (PoolFuture<Long> f : futures) {
                seen.add(f.get());
            }
            assertThat(seen).hasSizeBetween(1, 2).doesNotContain(pid());
            assertThat(pool.workerPids()).containsAll(seen);
        }
        ProcessSupport.assertAllDead(seen);
    }

    @Test
    void aFailingExecutedTaskReachesAnUncaughtExceptionHandlerInTheCaller() throws Exception {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> reported.complete(e));
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            pool.execute((Runnable & Serializable) () -> {
                throw new IllegalStateException("executed in a worker");
            });
            assertThat(reported.get(60, TimeUnit.SECONDS)).hasMessageContaining("executed in a worker");
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    @Test
    void threeSequentialTasksOnAPoolOfFourUseOneWorker() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(4).build()) {
            long a = pool.submit(ProcessPoolBasicsTest::pid).get();
            long b = pool.submit(ProcessPoolBasicsTest::pid).get();
            long c = pool.submit(ProcessPoolBasicsTest::pid).get();
            assertThat(List.of(a, b, c)).containsOnly(a);
            assertThat(pool.workerPids()).containsExactly(a);
        }
    }

    @Test
    void argumentsAndResultsTravelByValue() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            int[] numbers = {1, 2, 3};
            String word = "jpool";
            PoolFuture<String> f = pool.submit(() -> word + numbers.length + (numbers[0] + numbers[1] + numbers[2]));
            assertThat(f.get()).isEqualTo("jpool36");
            byte[] big = new byte[1 << 20];
            big[12345] = 7;
            assertThat(pool.submit(() -> big.clone()).get()).isEqualTo(big);
        }
    }

    @Test
    void largeByteArraysTravelWholeInBothDirectionsAlone_InsideObjects_AndAsMapItems() throws Exception {
        byte[] a = new byte[300_000];
        byte[] b = new byte[1 << 20];
        new java.util.Random(1).nextBytes(a);
        new java.util.Random(2).nextBytes(b);
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            // argument: a capture holding two blobs; result: the reversed array, alone
            byte[] reversed = pool.submit(() -> {
                byte[] r = new byte[b.length];
                for (int i = 0; i < b.length; i++) {
                    r[i] = b[b.length - 1 - i];
                }
                return a.length == 300_000 ? r : null;
            }).get();
            assertThat(reversed[0]).isEqualTo(b[b.length - 1]);
            assertThat(reversed[b.length - 1]).isEqualTo(b[0]);
            // result: an object holding both, in a new order
            java.util.List<byte[]> both = pool.submit(() -> java.util.List.of(b, a)).get();
            assertThat(both.get(0)).isEqualTo(b);
            assertThat(both.get(1)).isEqualTo(a);
            // map items and results: arrays of every size around the blob threshold
            java.util.List<byte[]> items = new java.util.ArrayList<>();
            for (int n : new int[] {0, 16 * 1024 - 1, 16 * 1024, 100_000}) {
                byte[] item = new byte[n];
                new java.util.Random(n).nextBytes(item);
                items.add(item);
            }
            java.util.List<byte[]> echoed = new java.util.ArrayList<>();
            pool.map(x -> x.clone(), items).forEach(echoed::add);
            assertThat(echoed).hasSize(items.size());
            for (int i = 0; i < items.size(); i++) {
                assertThat(echoed.get(i)).isEqualTo(items.get(i));
            }
        }
    }

    @Test
    void aWorkerMovesFromItsPipesToTheSocketAndNothingIsLostOnTheWay() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            int rounds = 0;
            // the first result crosses the pipes; then the worker asks for the socket and moves there
            while (ProcessPoolProbe.workersOnSocket(pool) == 0 || rounds < 3) {
                assertThat(System.nanoTime()).as("the channel moves within 60 s").isLessThan(deadline);
                byte[] arg = new byte[(1 << 20) + rounds];
                new java.util.Random(rounds).nextBytes(arg);
                byte[] back = pool.submit(() -> {
                    byte[] r = arg.clone();
                    r[0] ^= 1;
                    return r;
                }).get();
                arg[0] ^= 1;
                assertThat(back).isEqualTo(arg);
                rounds++;
            }
            // small and large values interleaved stay matched
            java.util.List<PoolFuture<Object>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                futures.add(pool.submit(() -> n % 2 == 0 ? (Object) new byte[300_000 + n] : (Object) ("small " + n)));
            }
            for (int i = 0; i < futures.size(); i++) {
                Object v = futures.get(i).get();
                if (i % 2 == 0) {
                    assertThat((byte[]) v).hasSize(300_000 + i);
                } else {
                    assertThat(v).isEqualTo("small " + i);
                }
            }
        }
    }

    @Test
    void everySubmitGetsAFreshCopyOfWhatTheTaskCaptured() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            int[] box = {0};
            for (int i = 0; i < 3; i++) {
                assertThat(pool.submit(() -> ++box[0]).get()).isEqualTo(1);
            }
            assertThat(box[0]).isZero();
        }
    }

    @Test
    void anExceptionKeepsItsClassMessageAndTheWorkersStackTrace() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            PoolFuture<Object> f = pool.submit(() -> {
                throw new IllegalStateException("boom in the worker");
            });
            Throwable e = f.exception(null);
            assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("boom in the worker");
            assertThat(e.getStackTrace()).anyMatch(s -> s.getClassName().contains("WorkerMain"));
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCause(e);
        }
    }

    @Test
    void anUnserializableCaptureFailsAtSubmitNamingTheClass() {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            Thread notSerializable = Thread.currentThread();
            assertThatThrownBy(() -> pool.submit(() -> notSerializable.getName()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("java.lang.Thread")
                    .hasMessageContaining("not Serializable");
            assertThat(pool.stats().submitted()).isZero();
        }
    }

    static final class Opaque {
        final String text = "not serializable";
    }

    static final class OpaqueException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final Opaque payload = new Opaque();

        OpaqueException(String message) {
            super(message);
        }
    }

    @Test
    void anUnserializableResultFailsOnlyThatTaskAndTheWorkerStaysHealthy() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            long before = pool.submit(ProcessPoolBasicsTest::pid).get();
            PoolFuture<Object> bad = pool.submit(() -> new Opaque());
            assertThat(bad.exception(null)).hasMessageContaining("could not be serialized")
                    .hasMessageContaining(Opaque.class.getName());
            assertThat(pool.submit(ProcessPoolBasicsTest::pid).get()).isEqualTo(before);
        }
    }

    @Test
    void anUnserializableExceptionArrivesAsRemoteTaskExceptionWithItsText() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            PoolFuture<Object> f = pool.submit(() -> {
                throw new OpaqueException("cannot travel");
            });
            Throwable e = f.exception(null);
            assertThat(e).isInstanceOf(RemoteTaskException.class).hasMessageContaining("cannot travel");
            assertThat(((RemoteTaskException) e).remoteClassName()).isEqualTo(OpaqueException.class.getName());
            assertThat(e.getMessage()).contains("remote stack trace").contains("WorkerMain");
        }
    }

    static final class Payload implements Serializable {
        private static final long serialVersionUID = 1L;
        final int value;

        Payload(int value) {
            this.value = value;
        }
    }

    @Test
    void resultsOutsideTheAllowListAreRefused() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).allowedResultClasses("com.example.**").build()) {
            assertThat(pool.submit(() -> List.of(1, 2)).get()).containsExactly(1, 2);
            PoolFuture<Payload> f = pool.submit(() -> new Payload(1));
            assertThat(f.exception(null)).hasMessageContaining("result filter").hasMessageContaining("allowedResultClasses");
        }
        try (ProcessPool pool = ProcessSupport.pool(1).allowedResultClasses("io.jpool.process.*").build()) {
            assertThat(pool.submit(() -> new Payload(5)).get().value).isEqualTo(5);
        }
    }

    @Test
    void aResultOverMaxResultBytesFailsThatTask() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).maxResultBytes(10_000).build()) {
            PoolFuture<byte[]> f = pool.submit(() -> new byte[100_000]);
            assertThat(f.exception(null)).hasMessageContaining("maxResultBytes");
            assertThat(pool.submit(() -> new byte[100]).get()).hasSize(100);
            // a value of the compact encoding takes the worker's one-array path: the same limit
            PoolFuture<String> text = pool.submit(() -> "x".repeat(20_000));
            assertThat(text.exception(null)).hasMessageContaining("is 20006 bytes, over the pool's maxResultBytes of 10000");
            assertThat(pool.submit(() -> "x".repeat(9_000)).get()).hasSize(9_000);
        }
    }

    @Test
    void outputOfTasksReachesTheCallerPrefixedAndNeverCorruptsTheChannel() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        long worker;
        try (ProcessPool pool = ProcessSupport.pool(1).workerOutput(WorkerOutput.PREFIXED).build()) {
            worker = pool.submit(() -> {
                byte[] noise = new byte[1 << 20];
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (byte) i; // raw bytes, including what looks like frame headers
                }
                System.out.write(noise);
                System.err.write(noise);
                System.out.println();
                System.out.println("hello from the task");
                System.out.flush();
                return pid();
            }).get();
            assertThat(pool.submit(() -> 6 * 7).get()).isEqualTo(42);
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("[worker " + worker + "] hello from the task");
    }

    @Test
    void statsAddUp() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(2).build()) {
            List<PoolFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                fs.add(pool.submit((Task<Integer>) () -> {
                    if (n % 3 == 0) {
                        throw new IllegalArgumentException("n=" + n);
                    }
                    return n;
                }));
            }
            for (PoolFuture<Integer> f : fs) {
                f.exception(null);
            }
            PoolStats s = pool.stats();
            assertThat(s.submitted()).isEqualTo(10);
            assertThat(s.completed()).isEqualTo(6);
            assertThat(s.failed()).isEqualTo(4);
            assertThat(s.queued()).isZero();
        }
    }

    /**
     * A worker polls for its next task for a moment after each result, then blocks: an idle
     * worker costs no CPU. Time is the point here: the worker's CPU time over a two-second idle
     * window, against the two seconds a worker that never stopped polling would burn.
     */
    @Test
    void anIdleWorkerStopsPollingForItsNextTaskAndBurnsNoCpu() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            long worker = 0;
            for (int i = 0; i < 20; i++) { // past the move from the pipes to the socket, too
                worker = pool.submit(ProcessPoolBasicsTest::pid).get();
            }
            ProcessHandle handle = ProcessHandle.of(worker).orElseThrow();
            java.time.Duration before = handle.info().totalCpuDuration().orElseThrow();
            Thread.sleep(2000);
            java.time.Duration idle = handle.info().totalCpuDuration().orElseThrow().minus(before);
            assertThat(idle).as("the idle worker's CPU time in 2 s").isLessThan(java.time.Duration.ofMillis(1000));
            assertThat(pool.submit(ProcessPoolBasicsTest::pid).get()).as("and it still takes the next task").isEqualTo(worker);
        }
    }
}
