package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.TaskTimeoutException;
import io.jpool.WorkerDiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing a task starts outlives its worker: a process a task spawned dies with the worker when
 * the pool kills it (timeout, cancel, shutdownNow), when the caller's JVM dies, when a task
 * calls {@code System.exit} or halts, and when something else kills the worker; and a task that reads {@code System.in} sees an empty stream rather than the caller-death pipe.
 */
class ProcessPoolProcessTreeTest {

    /** Starts {@code sleep 1000} (a grandchild of the caller) and returns its pid. */
    static long startSleep() throws IOException {
        return new ProcessBuilder("sleep", "1000").start().pid();
    }

    @Test
    void aProcessStartedByATaskDiesWhenTheTaskTimesOut() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            long sleep = pool.submit(ProcessPoolProcessTreeTest::startSleep).get();
            assertThat(ProcessHandle.of(sleep)).isPresent();
            // the worker that started it is now killed by a timeout on another task
            PoolFuture<Object> hang = pool.submit(() -> {
                Thread.sleep(Long.MAX_VALUE);
                return null;
            }, Duration.ofMillis(300));
            assertThat(hang.exception(null)).isInstanceOf(TaskTimeoutException.class);
            ProcessSupport.assertAllDead(List.of(sleep));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exit", "halt"})
    void aProcessStartedByATaskDiesWhenTheTaskEndsItsWorker(String how) throws Exception {
        Path pidFile = Files.createTempFile("jpool-sleep", ".pid");
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            String where = pidFile.toString();
            PoolFuture<Object> ends = pool.submit(() -> {
                Files.writeString(Path.of(where), Long.toString(startSleep()));
                if (how.equals("exit")) {
                    System.exit(3); // through the worker's shutdown hooks
                }
                Runtime.getRuntime().halt(3); // past them: only the caller's sweep finds the orphan
                return null;
            });
            assertThat(ends.exception(null)).isInstanceOf(WorkerDiedException.class);
            long sleep = Long.parseLong(Files.readString(pidFile).trim());
            ProcessSupport.assertAllDead(List.of(sleep));
            assertThat(pool.submit(() -> 7).get(30, TimeUnit.SECONDS)).isEqualTo(7);
        } finally {
            Files.deleteIfExists(pidFile);
        }
    }

    @Test
    void aProcessStartedByATaskDiesWhenItsWorkerIsKilledFromOutside() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            long[] pids = pool.submit(() -> new long[] {ProcessHandle.current().pid(), startSleep()}).get();
            ProcessHandle.of(pids[0]).ifPresent(ProcessHandle::destroyForcibly); // as the OOM killer would
            ProcessSupport.assertAllDead(List.of(pids[0], pids[1]));
            assertThat(pool.submit(() -> 7).get(30, TimeUnit.SECONDS)).isEqualTo(7);
        }
    }

    @Test
    void aProcessStartedByATaskDiesOnShutdownNow() throws Exception {
        ProcessPool pool = ProcessSupport.pool(1).build();
        long sleep;
        try {
            sleep = pool.submit(ProcessPoolProcessTreeTest::startSleep).get();
            assertThat(ProcessHandle.of(sleep)).isPresent();
        } finally {
            pool.shutdownNow();
            pool.close();
        }
        ProcessSupport.assertAllDead(List.of(sleep));
    }

    @Test
    void aProcessStartedByATaskDiesWhenTheCallersJvmIsKilled() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process caller = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SpawningCallerMain.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long worker;
        long sleep;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(caller.getInputStream(), StandardCharsets.UTF_8));
            String[] line = out.readLine().split(" ");
            worker = Long.parseLong(line[1]);
            sleep = Long.parseLong(line[3]);
            assertThat(ProcessHandle.of(sleep)).isPresent();
        } finally {
            caller.destroyForcibly();
            caller.getInputStream().close();
        }
        assertThat(caller.waitFor(30, TimeUnit.SECONDS)).isTrue();
        ProcessSupport.assertAllDead(List.of(worker, sleep));
    }

    @Test
    void aTaskReadingStdinSeesAnEmptyStream() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).build()) {
            PoolFuture<Integer> read = pool.submit(() -> System.in.read());
            assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(-1);
            // the worker still notices its caller: it serves on, and its pool closes cleanly
            assertThat(pool.submit(() -> 7).get(30, TimeUnit.SECONDS)).isEqualTo(7);
        }
    }
}
