package io.jpool.process;

import io.jpool.BrokenPoolException;
import io.jpool.ProcessPool;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker killed by a signal before it connects (the OOM killer does this) is replaced, and the
 * task waiting for it runs on the replacement; only workers killed at every start for a long
 * while break the pool. The "JDK" here is a script that SIGKILLs itself for its first starts.
 */
class ProcessPoolStartKillTest {

    /** A java home whose java kills itself (SIGKILL) the first {@code kills} times, then runs the real one. */
    static Path selfKillingJava(Path home, int kills) throws Exception {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        String realJava = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path count = home.resolve("starts");
        Files.writeString(java, "#!/bin/sh\n"
                + "echo x >> '" + count + "'\n"
                + "if [ \"$(wc -l < '" + count + "')\" -le " + kills + " ]; then kill -9 $$; fi\n"
                + "exec '" + realJava + "' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        return count;
    }

    @Test
    void workersKilledBeforeTheyConnectAreReplaced(@TempDir Path home) throws Exception {
        Path count = selfKillingJava(home, 5);
        try (ProcessPool pool = ProcessSupport.pool(1).javaHome(home).classDataSharing(false).build()) {
            assertThat(pool.submit(() -> 42).get(60, TimeUnit.SECONDS)).isEqualTo(42);
            assertThat(Files.readAllLines(count)).hasSize(6);
        }
    }

    @Test
    @Tag("slow")
    @Timeout(180)
    void workersKilledAtEveryStartBreakThePoolAfterAMinute(@TempDir Path home) throws Exception {
        selfKillingJava(home, Integer.MAX_VALUE);
        try (ProcessPool pool = ProcessSupport.pool(1).javaHome(home).classDataSharing(false).build()) {
            assertThat(pool.submit(() -> 42).exception(Duration.ofSeconds(150)))
                    .isInstanceOf(BrokenPoolException.class).hasMessageContaining("keep being killed while they start");
        }
    }
}
