package io.jpool.process;

import io.jpool.BrokenPoolException;
import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.TaskFailedException;
import io.jpool.internal.process.ProcessPoolProbe;
import io.jpool.thread.PoolTestSupport;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Initializers, map over processes, clean close and no orphans (CPython test_init, test_process_pool). */
class ProcessPoolLifecycleTest {

    @Test
    void theInitializerRunsOnceInEachWorkerBeforeItsFirstTask() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(2).initializer(() -> {
            String runs = System.getProperty("jpool.test.init", "");
            System.setProperty("jpool.test.init", runs + "x");
        }).build()) {
            List<PoolFuture<String>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(pool.submit(() -> System.getProperty("jpool.test.init")));
            }
            for (PoolFuture<String> f : fs) {
                assertThat(f.get()).isEqualTo("x");
            }
        }
    }

    @Test
    void aFailingInitializerBreaksThePool() {
        try (ProcessPool pool = ProcessSupport.pool(1).initializer(() -> {
            throw new IllegalStateException("no database here");
        }).build()) {
            PoolFuture<Integer> f = pool.submit(() -> 1);
            Throwable e = awaitException(f);
            assertThat(e).isInstanceOf(BrokenPoolException.class).hasMessageContaining("initializer")
                    .hasMessageContaining("no database here");
            assertThatThrownBy(() -> pool.submit(() -> 2)).isInstanceOf(BrokenPoolException.class);
        }
    }

    @Test
    void mapSendsChunksAndKeepsTheInputOrder() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(2).build()) {
            List<Integer> items = IntStream.range(0, 1000).boxed().collect(Collectors.toList());
            try (MapResult<Integer> squares = pool.map(x -> x * x, items, MapOptions.defaults().chunksize(50))) {
                assertThat(squares.stream().collect(Collectors.toList())).isEqualTo(items.stream().map(x -> x * x).collect(Collectors.toList()));
            }
            assertThat(pool.stats().submitted()).isEqualTo(20); // one task (one message) per chunk
        }
    }

    @Test
    void unorderedMapYieldsEveryItemOnce() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(2).build()) {
            List<Integer> items = IntStream.range(0, 200).boxed().collect(Collectors.toList());
            try (MapResult<Integer> out = pool.map(x -> x + 1, items, MapOptions.defaults().ordered(false).chunksize(7))) {
                assertThat(out.stream().collect(Collectors.toList())).containsExactlyInAnyOrderElementsOf(
                        items.stream().map(x -> x + 1).collect(Collectors.toList()));
            }
        }
    }

    @Test
    void aFailingItemFailsOnlyItselfWithItsIndex() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(2).build();
             MapResult<Integer> out = pool.map(x -> {
                 if (x == 13) {
                     throw new IllegalArgumentException("unlucky " + x);
                 }
                 return x;
             }, IntStream.range(0, 30).boxed().collect(Collectors.toList()), MapOptions.defaults().chunksize(4))) {
            List<Integer> got = new ArrayList<>();
            java.util.Iterator<Integer> it = out.iterator();
            for (int i = 0; i < 13; i++) {
                got.add(it.next());
            }
            assertThat(got).isEqualTo(IntStream.range(0, 13).boxed().collect(Collectors.toList()));
            assertThatThrownBy(it::next).isInstanceOf(TaskFailedException.class)
                    .satisfies(e -> assertThat(((TaskFailedException) e).index()).isEqualTo(13))
                    .hasCauseInstanceOf(IllegalArgumentException.class);
        }
    }

    private static List<String> channelFiles(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toList());
        }
    }

    @Test
    void closeLeavesNoProcessThreadOrTempDirectoryBehind() throws Exception {
        ProcessPool pool = ProcessSupport.pool(3).build();
        List<PoolFuture<Long>> fs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            fs.add(pool.submit(() -> ProcessHandle.current().pid()));
        }
        Set<Long> pids = new HashSet<>();
        for (PoolFuture<Long> f : fs) {
            pids.add(f.get());
        }
        Path dir = ProcessPoolProbe.channelDirectory(pool);
        assertThat(dir).isDirectory();
        // A worker still starting (the first ones may have run all twelve tasks) has its pipes
        // yet: they go once it opens them. Wait for that (bounded), then only the socket stays.
        List<String> left = channelFiles(dir);
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                !left.stream().allMatch("s"::equals) && System.nanoTime() - deadline < 0; left = channelFiles(dir)) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(left).as("the workers' pipes are unlinked once open; only the socket stays").isSubsetOf("s");
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
        ProcessSupport.assertAllDead(pids);
        assertThat(Files.exists(dir)).as("channel directory %s", dir).isFalse();
        String name = pool.toString().replaceAll(".*\\[(jpool-process-\\d+),.*", "$1");
        PoolTestSupport.assertNoThreadsLeft(name + "-");
        assertThat(pool.workerPids()).isEmpty();
    }

    @Test
    void shutdownWithoutWaitLetsQueuedTasksFinish() throws Exception {
        ProcessPool pool = ProcessSupport.pool(1).build();
        List<PoolFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            fs.add(pool.submit(() -> n));
        }
        pool.shutdown(false, false);
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(fs.get(i).get()).isEqualTo(i);
        }
    }

    @Test
    void shutdownWithCancelPendingCancelsWhatHasNotStarted() throws Exception {
        ProcessPool pool = ProcessSupport.pool(1).build();
        PoolFuture<Integer> first = pool.submit(() -> 1);
        List<PoolFuture<Integer>> rest = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rest.add(pool.submit(() -> 2));
        }
        pool.shutdown(true, true);
        assertThat(first.isDone()).isTrue();
        assertThat(rest).allMatch(PoolFuture::isDone);
        assertThat(rest.stream().filter(PoolFuture::isCancelled).count()).isPositive();
        assertThat(pool.stats().completed() + pool.stats().cancelled()).isEqualTo(21);
    }

    @Test
    void workersExitWhenTheCallersJvmIsKilled() throws Exception {
        Process parent = startCaller(OrphanParentMain.class);
        CallerReport report;
        try {
            report = CallerReport.readFrom(parent);
            assertThat(report.dir).isDirectory();
            assertThat(ProcessHandle.of(report.worker)).isPresent();
        } finally {
            parent.destroyForcibly();
            parent.getInputStream().close();
        }
        assertThat(parent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        ProcessHandle h = ProcessHandle.of(report.worker).orElse(null);
        if (h != null) {
            long t0 = System.nanoTime();
            h.onExit().get(30, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
        ProcessSupport.assertAllDead(List.of(report.worker));
        assertThat(Files.exists(report.dir)).as("the dead caller's socket directory, removed by its worker")
                .isFalse();
    }

    @RepeatedTest(3)
    void aCallerJvmThatEndsRightAfterShutdownNowLeavesNoDirectory() throws Exception {
        Process caller = startCaller(ExitAfterShutdownNowMain.class);
        CallerReport report;
        try {
            report = CallerReport.readFrom(caller);
            assertThat(caller.waitFor(60, TimeUnit.SECONDS)).as("the caller ends").isTrue();
        } finally {
            caller.destroyForcibly();
            caller.getInputStream().close();
        }
        assertThat(caller.exitValue()).isZero();
        assertThat(Files.exists(report.dir)).as("the pool's directory %s, once its JVM has exited", report.dir).isFalse();
        ProcessHandle h = ProcessHandle.of(report.worker).orElse(null);
        if (h != null) {
            h.onExit().get(30, TimeUnit.SECONDS);
        }
        ProcessSupport.assertAllDead(List.of(report.worker));
    }

    /** A caller JVM running {@code main} on this test's class path. */
    private static Process startCaller(Class<?> main) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), main.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** What a caller JVM prints first: {@code worker <pid> <pool directory>}. */
    private static final class CallerReport {
        final long worker;
        final Path dir;

        private CallerReport(long worker, Path dir) {
            this.worker = worker;
            this.dir = dir;
        }

        static CallerReport readFrom(Process caller) throws IOException {
            BufferedReader out = new BufferedReader(new InputStreamReader(caller.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("the caller's report").startsWith("worker ");
            String[] parts = line.split(" ");
            return new CallerReport(Long.parseLong(parts[1]), Path.of(parts[2]));
        }
    }

    @Test
    void badSettingsAreRefusedWhereTheyAreSet() {
        assertThatThrownBy(() -> ProcessPool.builder().maxWorkers(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxWorkers");
        assertThatThrownBy(() -> ProcessPool.builder().retries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessPool.builder().maxTasksPerWorker(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessPool.builder().taskTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessPool.builder().javaHome(Path.of("/nonexistent")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bin/java");
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            assertThatThrownBy(() -> pool.submit((io.jpool.Task<Object>) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> pool.submit(() -> 1, Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static Throwable awaitException(PoolFuture<?> f) {
        try {
            return f.exception(Duration.ofSeconds(60));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
