package io.jpool.process;

import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared helpers for process-pool tests. */
final class ProcessSupport {
    private ProcessSupport() {
    }

    /** A builder with small, quick workers whose noise stays out of the build log. */
    static ProcessPool.Builder pool(int workers) {
        return ProcessPool.builder().maxWorkers(workers).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                .workerOutput(WorkerOutput.DISCARD);
    }

    /** Waits (generously) for each pid to be gone, then asserts none is alive. */
    static void assertAllDead(Collection<Long> pids) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (long pid : pids) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent()) {
                try {
                    h.get().onExit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (Exception ignored) {
                    // asserted below
                }
            }
        }
        List<Long> alive = pids.stream().filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
                .collect(Collectors.toList());
        assertThat(alive).as("worker processes still alive").isEmpty();
    }
}
