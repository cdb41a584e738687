package io.jpool.hazelcast;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the common pool's parallelism is 1 (fewer than 3 CPUs, as on CI), Hazelcast's default
 * async executor starts a new thread for each continuation it runs. Raw {@code IExecutorService}
 * pays one per task (Hazelcast's own future listens to its invocation that way); the pool must
 * add none of its own, or its throughput there falls far below raw's. Run in a child JVM
 * ({@link ThreadStartProbe}), because this module's tests run with a common pool of parallelism 2.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CommonPoolIndependenceTest {
    private static final int TASKS = 2000;
    /** Thread starts the pool may add over raw's in a pass: a few helpers, never one per task. */
    private static final int SLACK = 100;

    @Test
    void poolStartsNoThreadPerTaskBeyondRawsWhenTheCommonPoolHasOneThread() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(ClusterMember.JVM_FLAGS);
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=1",
                "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=none", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), ThreadStartProbe.class.getName(), String.valueOf(TASKS)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line);
            }
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertThat(p.exitValue()).as("probe output: %s", out).isZero();
        Pattern result = Pattern.compile("threads started: raw (\\d+) pool (\\d+)");
        Matcher m = out.stream().map(result::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("the probe printed no result line: " + out));
        long raw = Long.parseLong(m.group(1));
        long pool = Long.parseLong(m.group(2));
        // Shows that the child reproduced the trap; if Hazelcast stops starting a thread per
        // continuation, this fails and the test can assert a small constant for the pool instead.
        assertThat(raw).as("raw IExecutorService's thread starts over %d tasks with a common pool of parallelism 1",
                TASKS).isGreaterThanOrEqualTo(TASKS / 2);
        assertThat(pool).as("the pool's thread starts over %d tasks, against raw's %d", TASKS, raw)
                .isLessThanOrEqualTo(raw + SLACK);
    }
}
