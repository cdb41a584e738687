package io.jpool.process;

import io.jpool.BrokenPoolException;
import io.jpool.Manager;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.TaskTimeoutException;
import io.jpool.WorkerDiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A crash, a hang or a kill fails one task and the pool lives on (where CPython's pool breaks as a
 * whole: test_process_pool, test_deadlock). Cross-process "the task has started" signals go
 * through a {@link Manager} event, never through sleeps.
 */
class ProcessPoolFaultsTest {

    static long pid() {
        return ProcessHandle.current().pid();
    }

    /** Signals {@code started} and then blocks until the worker is killed. */
    static long hangAfter(SharedEvent started) throws InterruptedException {
        started.set();
        Thread.sleep(Long.MAX_VALUE);
        return -1;
    }

    @Test
    void systemExitInATaskFailsThatTaskOnlyAndAFreshWorkerTakesOver() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            long first = pool.submit(ProcessPoolFaultsTest::pid).get();
            PoolFuture<Object> dying = pool.submit(() -> {
                System.exit(42);
                return null;
            });
            assertThat(dying.exception(null)).isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("pid " + first).hasMessageContaining("exit code 42")
                    .hasMessageContaining("System.exit");
            long second = pool.submit(ProcessPoolFaultsTest::pid).get();
            assertThat(second).isNotEqualTo(first);
            ProcessSupport.assertAllDead(List.of(first));
        }
    }

    @Test
    void systemExitWithTheOutOfMemoryExitCodeIsNotMistakenForOutOfMemory() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            PoolFuture<Object> dying = pool.submit(() -> {
                System.exit(3);
                return null;
            });
            assertThat(dying.exception(null)).isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("exit code 3").hasMessageContaining("System.exit")
                    .hasMessageNotContaining("out of memory");
        }
    }

    @Test
    void runtimeHaltAndItsLastStderrLinesAreReported() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(2).build()) {
            PoolFuture<Object> dying = pool.submit(() -> {
                System.err.println("last words of the worker");
                System.err.flush();
                Runtime.getRuntime().halt(7);
                return null;
            });
            assertThat(dying.exception(null)).isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("exit code 7").hasMessageContaining("last words of the worker");
            assertThat(pool.submit(() -> "alive").get()).isEqualTo("alive");
        }
    }

    @Test
    void aWorkerOutOfMemoryFailsItsTaskSayingSo() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).jvmOptions("-Xmx24m").build()) {
            PoolFuture<Object> hog = pool.submit(() -> {
                List<long[]> hoard = new ArrayList<>();
                for (;;) {
                    hoard.add(new long[1 << 20]);
                }
            });
            assertThat(hog.exception(null)).isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("out of memory").hasMessageContaining("exit code 3");
            assertThat(pool.submit(() -> 1 + 1).get()).isEqualTo(2);
        }
    }

    @Test
    void aWorkerKilledFromOutsideNamesTheSignal() throws Exception {
        try (Manager manager = Manager.start(); ProcessPool pool = ProcessSupport.pool(1).build()) {
            SharedEvent started = manager.event("started");
            PoolFuture<Long> f = pool.submit(() -> hangAfter(started));
            assertThat(started.await(Duration.ofSeconds(60))).isTrue();
            long worker = pool.workerPids().get(0);
            ProcessHandle.of(worker).orElseThrow().destroyForcibly();
            assertThat(f.exception(null)).isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("SIGKILL").hasMessageContaining("pid " + worker);
            assertThat(pool.submit(ProcessPoolFaultsTest::pid).get()).isNotEqualTo(worker);
        }
    }

    @Test
    void retriesRunATaskAgainWhoseWorkerDied() throws Exception {
        try (Manager manager = Manager.start(); ProcessPool pool = ProcessSupport.pool(1).retries(2).build()) {
            SharedCounter attempts = manager.counter("attempts");
            PoolFuture<Long> f = pool.submit(() -> {
                long attempt = attempts.incrementAndGet();
                if (attempt < 3) {
                    Runtime.getRuntime().halt(1);
                }
                return attempt;
            });
            assertThat(f.get()).isEqualTo(3);
            SharedCounter more = manager.counter("more");
            PoolFuture<Long> always = pool.submit(() -> {
                more.incrementAndGet();
                Runtime.getRuntime().halt(1);
                return 0L;
            });
            assertThat(always.exception(null)).isInstanceOf(WorkerDiedException.class)
                    .hasMessageContaining("after 3 attempts");
            assertThat(more.get()).isEqualTo(3);
        }
    }

    @Test
    void aThrownExceptionIsNeverRetried() throws Exception {
        try (Manager manager = Manager.start(); ProcessPool pool = ProcessSupport.pool(1).retries(3).build()) {
            SharedCounter runs = manager.counter("runs");
            PoolFuture<Object> f = pool.submit(() -> {
                runs.incrementAndGet();
                throw new IllegalStateException("no retry for me");
            });
            assertThat(f.exception(null)).isInstanceOf(IllegalStateException.class);
            assertThat(runs.get()).isEqualTo(1);
        }
    }

    @Test
    void aHungTaskIsKilledAtItsTimeoutAndItsWorkerReplaced() throws Exception {
        try (Manager manager = Manager.start(); ProcessPool pool = ProcessSupport.pool(1).retries(3).build()) {
            SharedEvent started = manager.event("started");
            // the worker's first manager call too, so the 1.5 s limit covers only the hang
            long before = pool.submit(() -> started.isSet() ? -1 : pid()).get();
            long t0 = System.nanoTime();
            PoolFuture<Long> hung = pool.submit(() -> hangAfter(started), Duration.ofMillis(1500));
            Throwable e = hung.exception(Duration.ofSeconds(60));
            long took = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            assertThat(e).isInstanceOf(TaskTimeoutException.class).hasMessageContaining("pid " + before);
            assertThat(started.isSet()).isTrue();
            assertThat(took).isGreaterThanOrEqualTo(1500).isLessThan(15_000);
            assertThat(hung.isCancelled()).isFalse();
            ProcessSupport.assertAllDead(List.of(before));
            assertThat(pool.submit(ProcessPoolFaultsTest::pid).get()).isNotEqualTo(before);
        }
    }

    @Test
    void theBuildersTaskTimeoutAppliesToEveryTask() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).taskTimeout(Duration.ofMillis(500)).build()) {
            PoolFuture<Object> hung = pool.submit(() -> {
                Thread.sleep(Long.MAX_VALUE);
                return null;
            });
            assertThat(hung.exception(null)).isInstanceOf(TaskTimeoutException.class);
            // the pool serves on; a limit of its own, since the builder's 500 ms would also have
            // to cover the replacement worker's cold first task on a slow machine
            assertThat(pool.submit(() -> "quick", Duration.ofSeconds(60)).get()).isEqualTo("quick");
        }
    }

    @Test
    void cancelTrueKillsARunningTaskAndCancelFalseLeavesItRunning() throws Exception {
        try (Manager manager = Manager.start(); ProcessPool pool = ProcessSupport.pool(1).build()) {
            SharedEvent started = manager.event("started");
            PoolFuture<Long> f = pool.submit(() -> hangAfter(started));
            PoolFuture<Integer> queued = pool.submit(() -> 5);
            assertThat(started.await(Duration.ofSeconds(60))).isTrue();
            long worker = pool.workerPids().get(0);
            assertThat(f.cancel(false)).isFalse();
            assertThat(f.isRunning()).isTrue();
            assertThat(f.cancel(true)).isTrue();
            assertThat(f.isCancelled()).isTrue();
            ProcessSupport.assertAllDead(List.of(worker));
            assertThat(queued.get()).isEqualTo(5);
        }
    }

    @Test
    void shutdownNowKillsRunningTasksAndReturnsTheOnesNeverStarted() throws Exception {
        try (Manager manager = Manager.start()) {
            SharedEvent started = manager.event("started");
            ProcessPool pool = ProcessSupport.pool(1).build();
            PoolFuture<Long> running = pool.submit(() -> hangAfter(started));
            PoolFuture<Integer> waiting = pool.submit(() -> 1);
            assertThat(started.await(Duration.ofSeconds(60))).isTrue();
            List<Long> pids = pool.workerPids();
            List<Runnable> neverStarted = pool.shutdownNow();
            assertThat(neverStarted).hasSize(1);
            assertThat(waiting.isCancelled()).isTrue();
            assertThat(running.isCancelled()).isTrue();
            assertThat(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            ProcessSupport.assertAllDead(pids);
            assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
        }
    }

    @Test
    void workersThatCannotStartBreakThePoolWithTheirStderr() throws Exception {
        ProcessPool broken;
        try (ProcessPool pool = ProcessSupport.pool(2).jvmOptions("-XX:+NoSuchJpoolOption").build()) {
            broken = pool;
            PoolFuture<Integer> f = pool.submit(() -> 1);
            assertThat(catchException(f)).isInstanceOf(BrokenPoolException.class)
                    .hasMessageContaining("NoSuchJpoolOption");
            assertThatThrownBy(() -> pool.submit(() -> 2)).isInstanceOf(BrokenPoolException.class);
        }
        // the caller's ends of the dead worker's pipes were being opened: no thread stays blocked there
        String name = broken.toString().replaceAll(".*\\[(jpool-process-\\d+),.*", "$1");
        io.jpool.thread.PoolTestSupport.assertNoThreadsLeft(name + "-");
    }

    @Test
    void aJvmGoneBeforeItsHandshakeBreaksThePoolWithItsStderr(@TempDir Path home) throws Exception {
        // a "JDK" whose java exits at once: the handshake may meet a closed stdin (the race CI hit
        // with a JVM refusing an option) or the exit; either way the message carries its stderr
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'Unrecognized option: -XX:+FakeJpoolOption' >&2\nexit 3\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        for (int round = 0; round < 5; round++) {
            try (ProcessPool pool = ProcessSupport.pool(2).javaHome(home).classDataSharing(false).build()) {
                assertThat(catchException(pool.submit(() -> 1))).isInstanceOf(BrokenPoolException.class)
                        .hasMessageContaining("FakeJpoolOption")
                        .hasMessageContaining("exited with code 3");
            }
        }
    }

    @Test
    void aMissingClassPathBreaksThePoolSayingWhy() {
        try (ProcessPool pool = ProcessSupport.pool(1).classpath("/nonexistent/jpool.jar").build()) {
            assertThat(catchException(pool.submit(() -> 1))).isInstanceOf(BrokenPoolException.class)
                    .hasMessageContaining("WorkerMain");
        }
    }

    private static Throwable catchException(PoolFuture<?> f) {
        try {
            return f.exception(Duration.ofSeconds(60));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void maxTasksPerWorkerRecyclesWorkers() throws Exception {
        Set<Long> pids = new HashSet<>();
        try (ProcessPool pool = ProcessSupport.pool(1).maxTasksPerWorker(2).build()) {
            List<Long> seq = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                seq.add(pool.submit(ProcessPoolFaultsTest::pid).get());
            }
            pids.addAll(seq);
            assertThat(pids).hasSize(3);
            assertThat(seq.get(0)).isEqualTo(seq.get(1));
            assertThat(seq.get(2)).isEqualTo(seq.get(3)).isNotEqualTo(seq.get(1));
        }
        ProcessSupport.assertAllDead(pids);
    }
}
