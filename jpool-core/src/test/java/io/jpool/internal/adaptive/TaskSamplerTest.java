package io.jpool.internal.adaptive;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A worker's probe against what tasks leave behind on their thread. */
class TaskSamplerTest {

    @Test
    void aTaskThatLeavesItsThreadInterruptedCostsThePoolNoRunQueueReading() {
        // a task that catches InterruptedException and restores the flag (the usual idiom) ends with
        // its thread interrupted; the probe's read of /proc/thread-self/schedstat through an
        // interruptible channel then closed it and marked the run-queue wait unknown for the whole
        // pool, for good: the controller fell back to the load average
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/schedstat")), "Linux schedstat only");
        TaskSampler sampler = new TaskSampler();
        try (TaskSampler.Probe probe = sampler.newProbe()) {
            probe.begin();
            busy(10_000_000L);
            Thread.currentThread().interrupt(); // the task restores the flag and returns
            probe.end();
            assertThat(Thread.interrupted()).as("the task's flag is left as it was").isTrue();
            assertThat(sampler.runQueueKnown()).as("run-queue wait still known").isTrue();

            probe.begin();
            busy(10_000_000L);
            probe.end();
            assertThat(sampler.runQueueKnown()).isTrue();
            assertThat(sampler.knownTasks()).as("both tasks timed with their run-queue wait").isEqualTo(2);
        } finally {
            Thread.interrupted();
        }
    }

    /**
     * Computes for {@code nanos}, then sleeps a moment: the kernel adds a thread's on-CPU time to
     * schedstat when it is switched out (or at a scheduler tick), and the probe drops a task whose
     * CPU time did not move.
     */
    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        boolean interrupted = Thread.interrupted();
        try {
            Thread.sleep(1 + (x & 1));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
