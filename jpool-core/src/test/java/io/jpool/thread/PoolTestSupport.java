package io.jpool.thread;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared checks for pool tests. */
public final class PoolTestSupport {
    private PoolTestSupport() {
    }

    /** Waits (up to 30 s per thread) for threads named {@code prefix...} to end, then asserts none is left. */
    public static void assertNoThreadsLeft(String prefix) throws InterruptedException {
        for (Thread t : threadsNamed(prefix)) {
            t.join(30_000);
        }
        assertThat(threadsNamed(prefix)).as("threads named %s* still alive", prefix).isEmpty();
    }

    public static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .collect(Collectors.toList());
    }
}
