package io.jpool.internal.process;

import io.jpool.thread.PoolTestSupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What a closed process pool must not leave behind: a worker process, a thread of its own, its directory. */
final class PoolLeaks {
    private PoolLeaks() {
    }

    /** A process's state line from /proc (state, parent), for a failure message. */
    private static String describe(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "stat")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return pid + " (" + e + ")";
        }
    }

    /**
     * Asserts that the terminated {@code pool} left nothing: none of the {@code workers} alive (each waited
     * for, generously), no thread named after the pool, no private directory.
     */
    static void assertNothingLeft(ProcessPoolImpl pool, Collection<ProcessHandle> workers) throws InterruptedException {
        assertThat(pool.isTerminated()).as("terminated").isTrue();
        assertThat(pool.workerPids()).isEmpty();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (ProcessHandle h : workers) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception ignored) {
                // asserted below
            }
        }
        // handles, not pids: a handle knows its process's start time, so a pid the busy machine
        // gave to another process since is not taken for a worker still alive
        List<String> alive = workers.stream().filter(ProcessHandle::isAlive).map(h -> describe(h.pid()))
                .collect(Collectors.toList());
        assertThat(alive).as("worker processes still alive").isEmpty();
        PoolTestSupport.assertNoThreadsLeft(pool.poolName() + "-");
        Path dir = pool.channelDirectory();
        assertThat(dir == null || !Files.exists(dir)).as("channel directory %s deleted", dir).isTrue();
    }
}
