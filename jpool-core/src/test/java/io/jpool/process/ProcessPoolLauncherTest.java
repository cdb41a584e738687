package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.TaskTimeoutException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Workers started through a launcher prefix run under its limits, and the pool still tracks and kills them. */
class ProcessPoolLauncherTest {

    /** The "Max file locks" line of this process's limits. */
    static String fileLocksLimit() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max file locks")).findFirst().orElse("none");
    }

    @Test
    void aWorkerStartedThroughPrlimitRunsUnderItsLimitAndKeepsItsPid() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux) is not installed");
        try (ProcessPool pool = ProcessSupport.pool(1).launcher("prlimit", "--locks=4242", "--").build()) {
            assertThat(pool.submit(ProcessPoolLauncherTest::fileLocksLimit).get(60, TimeUnit.SECONDS))
                    .matches("Max file locks\\s+4242\\s+4242\\s+locks\\s*");
            long pid = pool.submit(ProcessPoolFaultsTest::pid).get();
            assertThat(pool.workerPids()).containsExactly(pid);
            // kill by timeout, then a fresh worker, still under the limit
            PoolFuture<Object> hang = pool.submit(() -> {
                Thread.sleep(Long.MAX_VALUE);
                return null;
            }, Duration.ofMillis(300));
            assertThat(hang.exception(null)).isInstanceOf(TaskTimeoutException.class);
            ProcessSupport.assertAllDead(List.of(pid));
            assertThat(pool.submit(ProcessPoolLauncherTest::fileLocksLimit).get(60, TimeUnit.SECONDS)).contains("4242");
        }
    }

    @Test
    void aLauncherThatForksInsteadOfExecingStillHasItsWorkerKilled() throws Exception {
        // sh runs java as a child and waits for it (the "; exit" keeps sh from exec'ing it)
        try (ProcessPool pool = ProcessSupport.pool(1).launcher("sh", "-c", "\"$0\" \"$@\"; exit $?").build()) {
            long java = pool.submit(ProcessPoolFaultsTest::pid).get(60, TimeUnit.SECONDS);
            long launcher = pool.workerPids().get(0);
            assertThat(java).isNotEqualTo(launcher);
            assertThat(ProcessHandle.of(java).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).contains(launcher);
            PoolFuture<Object> hang = pool.submit(() -> {
                Thread.sleep(Long.MAX_VALUE);
                return null;
            }, Duration.ofMillis(300));
            assertThat(hang.exception(null)).isInstanceOf(TaskTimeoutException.class);
            ProcessSupport.assertAllDead(List.of(java, launcher));
            assertThat(pool.submit(() -> 5).get(60, TimeUnit.SECONDS)).isEqualTo(5);
        }
    }

    @Test
    void aWorkerUnderAForkingLauncherExitsAndRemovesThePoolDirectoryWhenTheCallerIsKilled() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process caller = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                ForkingLauncherCallerMain.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long worker;
        Path dir;
        try {
            String[] line = new java.io.BufferedReader(new java.io.InputStreamReader(caller.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8)).readLine().split(" ");
            worker = Long.parseLong(line[1]);
            dir = Path.of(line[2]);
            assertThat(dir).isDirectory();
        } finally {
            caller.destroyForcibly();
            caller.getInputStream().close();
        }
        assertThat(caller.waitFor(30, TimeUnit.SECONDS)).isTrue();
        ProcessSupport.assertAllDead(List.of(worker));
        assertThat(Files.exists(dir)).as("the dead caller's pool directory, removed by its worker").isFalse();
    }

    @Test
    void aLauncherThatCannotStartFailsTheTaskNamingIt() throws Exception {
        try (ProcessPool pool = ProcessSupport.pool(1).launcher("/nonexistent/jpool-launcher").build()) {
            assertThat(pool.submit(() -> 1).exception(Duration.ofSeconds(60))).hasMessageContaining("/nonexistent/jpool-launcher");
        }
    }

    @Test
    void badLauncherWordsAreRefusedAtOnce() {
        assertThatThrownBy(() -> ProcessPool.builder().launcher("prlimit", "", "--"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("launcher");
        assertThatThrownBy(() -> ProcessPool.builder().launcher((String) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("launcher");
    }
}
