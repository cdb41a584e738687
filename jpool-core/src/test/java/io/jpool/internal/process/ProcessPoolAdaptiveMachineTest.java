package io.jpool.internal.process;

import io.jpool.AdaptiveStats;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An adaptive pool on a machine whose readings are faked (through the pool's package-private
 * hook): short of memory it starts no worker it has no room for; with idle CPUs and ample memory,
 * tasks that wait make it grow past the CPU count.
 */
class ProcessPoolAdaptiveMachineTest {
    private static final long MIB = 1L << 20;

    /** A machine with {@code available} bytes free whose workers each take {@code rss}. */
    record FakeMachine(long available, long rss, double cpuContention) implements MachineProbe {
        FakeMachine(long available, long rss) {
            this(available, rss, Double.NaN);
        }

        @Override
        public long availableBytes() {
            return available;
        }

        @Override
        public long rssBytes(long pid) {
            return rss;
        }

    }

    static long sleepThenPid() throws InterruptedException {
        Thread.sleep(300);
        return ProcessHandle.current().pid();
    }

    static ProcessPool.Builder adaptive(int min, int max) {
        return ProcessPool.builder().adaptive(min, max).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                .workerOutput(WorkerOutput.DISCARD);
    }

    @Test
    void tasksThatWaitGrowThePoolPastTheCpus() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        int max = cpus + 3;
        Set<Long> pids = new HashSet<>();
        try (ProcessPool pool = adaptive(0, max).build()) {
            ((ProcessPoolImpl) pool).useMachineProbe(new FakeMachine(64L << 30, 100 * MIB, 1.0));
            List<PoolFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                fs.add(pool.submit(() -> {
                    Thread.sleep(100);
                    return ProcessHandle.current().pid();
                }));
            }
            int peak = 0;
            AdaptiveStats atPeak = null; // read with the peak: later the load may fall
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (peak < max && System.nanoTime() < deadline) {
                int workers = pool.stats().workers();
                if (workers > peak) {
                    peak = workers;
                    atPeak = pool.adaptiveStats().orElseThrow();
                }
                Thread.sleep(10); // sampling the worker count while the backlog runs
            }
            assertThat(peak).as("workers for tasks that mostly sleep").isEqualTo(max);
            assertThat(atPeak).satisfies(s -> {
                assertThat(s.target()).isEqualTo(max);
                assertThat(s.waitComputeRatio()).isGreaterThan(1.0);
            });
            pids.addAll(pool.workerPids());
            pool.shutdown(true, true); // the rest of the backlog is not needed
        }
        assertDead(pids);
    }

    @Test
    void aMachineShortOfMemoryGetsOneWorkerAndTheReasonSaysWhy() throws Exception {
        Set<Long> pids = new HashSet<>();
        ProcessPool pool = adaptive(0, 4).build();
        try (pool) {
            ((ProcessPoolImpl) pool).useMachineProbe(new FakeMachine(300 * MIB, 200 * MIB));
            List<PoolFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fs.add(pool.submit(ProcessPoolAdaptiveMachineTest::sleepThenPid));
            }
            int peak = 0;
            while (!fs.stream().allMatch(PoolFuture::isDone)) {
                peak = Math.max(peak, pool.stats().workers());
                Thread.sleep(5); // sampling the worker count while the tasks run
            }
            for (PoolFuture<Long> f : fs) {
                pids.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(peak).isEqualTo(1);
            assertThat(pids).hasSize(1);
            // the refusal may come before any worker's RSS was read (then it names the estimate);
            // by the end a worker ran for 1.8 s, so the reading is the probe's measured 200 MiB
            assertThat(pool.adaptiveStats()).get().extracting(s -> s.reason()).asString()
                    .containsPattern("300 MiB available, less than 2 x (200 MiB \\(a worker's RSS\\)"
                            + "|256 MiB \\(a worker's RSS, estimated until one is measured\\))")
                    .contains("now: wait/compute").contains("worker RSS 200 MiB, available 300 MiB");
        }
        assertDead(pids);
    }

    @Test
    void aSizingTickThatFailsWithAnErrorStopsNoRetirement() throws Exception {
        AtomicBoolean failed = new AtomicBoolean();
        FakeMachine machine = new FakeMachine(64L << 30, 100 * MIB, 1.0);
        MachineProbe failingOnce = new MachineProbe() {
            @Override
            public long availableBytes() {
                return machine.availableBytes();
            }

            @Override
            public long rssBytes(long pid) {
                if (failed.compareAndSet(false, true)) {
                    throw new OutOfMemoryError("a test's probe, failing once");
                }
                return machine.rssBytes(pid);
            }

            @Override
            public double cpuContention() {
                return machine.cpuContention();
            }
        };
        Set<Long> pids = new HashSet<>();
        try (ProcessPool pool = adaptive(0, 2).idleTimeout(Duration.ofMillis(300)).build()) {
            ((ProcessPoolImpl) pool).useMachineProbe(failingOnce);
            List<PoolFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(pool.submit(ProcessPoolAdaptiveMachineTest::sleepThenPid)); // ticks read the probe meanwhile
            }
            for (PoolFuture<Long> f : fs) {
                pids.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(failed).as("the probe failed in a tick").isTrue();
            // with no start to come, only the ticker retires the idle workers
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pool.stats().workers() > 0) {
                assertThat(System.nanoTime()).as("idle workers never retired: %s", pool.adaptiveStats()).isLessThan(deadline);
                Thread.sleep(20); // polling other processes' exits: nothing to wait on
            }
        }
        assertDead(pids);
    }

    @Test
    void aFixedPoolTakesNoMachineProbe() {
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(1).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> ((ProcessPoolImpl) pool).useMachineProbe(new FakeMachine(1, 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not an adaptive pool");
        }
    }

    static void assertDead(Set<Long> pids) throws Exception {
        for (long pid : pids) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent()) {
                h.get().onExit().get(20, TimeUnit.SECONDS);
            }
        }
    }
}
