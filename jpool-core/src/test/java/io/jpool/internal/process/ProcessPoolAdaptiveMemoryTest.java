package io.jpool.internal.process;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** An adaptive pool on a machine (faked) short of memory starts no worker it has no room for. */
class ProcessPoolAdaptiveMemoryTest {
    private static final long MIB = 1L << 20;

    /** A machine with {@code available} bytes free whose workers each take {@code rss}. */
    record FakeMachine(long available, long rss) implements MachineProbe {
        @Override
        public long availableBytes() {
            return available;
        }

        @Override
        public long rssBytes(long pid) {
            return rss;
        }

        @Override
        public double cpuLoad() {
            return Double.NaN;
        }
    }

    static long sleepThenPid() throws InterruptedException {
        Thread.sleep(300);
        return ProcessHandle.current().pid();
    }

    @Test
    void aMachineShortOfMemoryGetsOneWorkerAndTheReasonSaysWhy() throws Exception {
        Set<Long> pids = new HashSet<>();
        ProcessPool pool = ProcessPool.builder().adaptive(0, 4).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                .workerOutput(WorkerOutput.DISCARD).build();
        try (pool) {
            ((ProcessPoolImpl) pool).useMachineProbe(new FakeMachine(300 * MIB, 200 * MIB));
            List<PoolFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fs.add(pool.submit(ProcessPoolAdaptiveMemoryTest::sleepThenPid));
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
            assertThat(pool.adaptiveStats()).get().extracting(s -> s.reason()).asString()
                    .contains("300 MiB available, less than 2 x 200 MiB");
        }
        io.jpool.internal.process.ProcessPoolAdaptiveMemoryTest.assertDead(pids);
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
