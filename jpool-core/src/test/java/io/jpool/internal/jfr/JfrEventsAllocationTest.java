package io.jpool.internal.jfr;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thread pool asks {@link JfrEvents} on every submit and every task run whether a recording
 * wants its task event. With none running, the question must allocate nothing in any code, not
 * only once the JIT's escape analysis has dropped an event object: before that (interpreted and
 * C1 code, a long time on a loaded machine) an event a question was more than the task itself.
 */
class JfrEventsAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Few enough calls that the methods are still interpreted or C1 code (no escape analysis). */
    private static final int CALLS = 2_000;

    @Test
    void askingWhetherTaskEventsAreWantedAllocatesNothing() {
        long id = Thread.currentThread().getId();
        boolean wanted = false;
        Object begun = null;
        long before = THREADS.getThreadAllocatedBytes(id);
        for (int i = 0; i < CALLS; i++) {
            wanted |= JfrEvents.threadTaskEnabled();
            begun = JfrEvents.threadTaskBegin();
        }
        long after = THREADS.getThreadAllocatedBytes(id);
        assertThat(wanted).as("no recording wants the event in this test").isFalse();
        assertThat(begun).isNull();
        // an event object is 40 bytes or more: 2,000 calls would allocate 80 KB or more
        assertThat(after - before).as("bytes allocated by %d questions", 2 * CALLS).isLessThan(4_096);
    }
}
