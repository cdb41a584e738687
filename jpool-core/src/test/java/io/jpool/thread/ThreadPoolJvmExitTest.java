package io.jpool.thread;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Python's exit behaviour: an unclosed ThreadPool never keeps the JVM alive once main returns,
 * except for work submitted and not yet finished, which it runs to its end first.
 */
class ThreadPoolJvmExitTest {
    /** Far below the pool's 60 s keep-alive, far above a JVM's exit on a loaded machine. */
    private static final long EXIT_WITHIN_SECONDS = 20;

    @Test
    void anIdlePoolDoesNotKeepTheJvmAlive() throws Exception {
        long afterMain = runUntilExit(List.of("idle"));
        assertThat(afterMain).as("ms from main's return to the JVM's exit").isLessThan(EXIT_WITHIN_SECONDS * 1000);
    }

    @Test
    void unfinishedWorkKeepsTheJvmAliveUntilItIsDone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("written-by-task");
        long afterMain = runUntilExit(List.of("pending", file.toString()));
        assertThat(file).as("the task submitted before main returned ran to its end").exists();
        assertThat(Files.readString(file)).isEqualTo("done");
        assertThat(afterMain).as("ms from main's return to the JVM's exit").isLessThan(EXIT_WITHIN_SECONDS * 1000);
    }

    /** Runs {@link UnclosedThreadPoolMain}; the ms from its "main returns" line to its exit (which must be 0). */
    private static long runUntilExit(List<String> args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                UnclosedThreadPoolMain.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("main returns");
            long returned = System.nanoTime();
            boolean exited = p.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - returned);
            assertThat(exited).as("the JVM exited within %d s of main's return", EXIT_WITHIN_SECONDS).isTrue();
            assertThat(p.exitValue()).isZero();
            return ms;
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            p.getInputStream().close();
        }
    }
}
