package io.jpool.thread;

import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /**
     * Waits (up to 30 s) until {@code t} is blocked (WAITING or TIMED_WAITING), e.g. parked in a
     * wait that the test is about to release. Not a sleep: it spins on the thread's state.
     */
    public static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            assertThat(s).as("thread %s ended before it blocked", t.getName()).isNotEqualTo(Thread.State.TERMINATED);
            assertThat(System.nanoTime() - deadline).as("thread %s never blocked (state %s)", t.getName(), s)
                    .isNegative();
            Thread.yield();
        }
    }

    public static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .collect(Collectors.toList());
    }
}
