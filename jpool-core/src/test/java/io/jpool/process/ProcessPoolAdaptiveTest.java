package io.jpool.process;

import io.jpool.AdaptiveStats;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.WorkerOutput;
import io.jpool.thread.PoolTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ProcessPool.Builder#adaptive()} on real worker JVMs, with generous bounds: idle workers
 * retire and come back, a CPU-bound burst stays within max, every task ends once.
 */
class ProcessPoolAdaptiveTest {

    static ProcessPool.Builder adaptive(int min, int max) {
        return ProcessPool.builder().adaptive(min, max).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                .workerOutput(WorkerOutput.DISCARD);
    }

    static long sleepThenPid(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return ProcessHandle.current().pid();
    }

    static long spinThenPid(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long x = 0;
        while (System.nanoTime() < end) {
            x += Long.numberOfTrailingZeros(System.nanoTime() | 1);
        }
        return x < 0 ? -1 : ProcessHandle.current().pid();
    }

    /** Waits (generously) until the pool has {@code n} live workers; returns whether it did. */
    static boolean awaitWorkers(ProcessPool pool, int n, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (pool.workerPids().size() == n && pool.stats().workers() == n) {
                return true;
            }
            Thread.sleep(20); // polling a state change of other processes: nothing to wait on
        }
        return false;
    }

    @Test
    void idleWorkersRetireAfterTheIdleTimeoutAndComeBackOnTheNextSubmit() throws Exception {
        List<Long> all = new ArrayList<>();
        String name;
        try (ProcessPool pool = adaptive(0, 2).idleTimeout(Duration.ofMillis(500)).build()) {
            List<PoolFuture<Long>> first = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                first.add(pool.submit(() -> sleepThenPid(200)));
            }
            Set<Long> firstPids = new HashSet<>();
            for (PoolFuture<Long> f : first) {
                firstPids.add(f.get(60, TimeUnit.SECONDS));
            }
            all.addAll(firstPids);
            assertThat(firstPids).hasSizeBetween(1, 2);

            assertThat(awaitWorkers(pool, 0, Duration.ofSeconds(30))).as("idle workers retired").isTrue();
            ProcessSupport.assertAllDead(firstPids);
            assertThat(pool.adaptiveStats()).get().extracting(AdaptiveStats::reason).asString()
                    .contains("idle for");

            long again = pool.submit(() -> sleepThenPid(0)).get(60, TimeUnit.SECONDS);
            all.add(again);
            assertThat(firstPids).doesNotContain(again);
            assertThat(pool.stats().completed()).as("every task ended once").isEqualTo(5);
            assertThat(pool.stats().submitted()).isEqualTo(5);
            name = pool.toString().replaceAll(".*\\[(jpool-process-\\d+),.*", "$1");
        }
        ProcessSupport.assertAllDead(all);
        PoolTestSupport.assertNoThreadsLeft(name + "-"); // its sizing thread included
    }

    @Test
    void minWorkersStayWhenIdle() throws Exception {
        try (ProcessPool pool = adaptive(1, 2).idleTimeout(Duration.ofMillis(300)).build()) {
            List<PoolFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(pool.submit(() -> sleepThenPid(300)));
            }
            for (PoolFuture<Long> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(awaitWorkers(pool, 1, Duration.ofSeconds(30))).as("down to min 1").isTrue();
            // well past the idle timeout, the one at min is still there
            Thread.sleep(1000); // nothing to wait on: the assertion is that nothing happens
            assertThat(pool.workerPids()).hasSize(1);
        }
    }

    @Test
    void aCpuBoundBurstStartsNoMoreThanMaxWorkers() throws Exception {
        int max = 3;
        Set<Long> pids = new HashSet<>();
        try (ProcessPool pool = adaptive(0, max).build()) {
            List<PoolFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                fs.add(pool.submit(() -> spinThenPid(50)));
            }
            int peak = 0;
            while (!fs.stream().allMatch(PoolFuture::isDone)) {
                peak = Math.max(peak, pool.stats().workers());
                Thread.sleep(5); // sampling the worker count while the burst runs
            }
            for (PoolFuture<Long> f : fs) {
                pids.add(f.get());
            }
            assertThat(peak).isBetween(1, max);
            assertThat(pool.stats().completed()).isEqualTo(40);
            assertThat(pool.adaptiveStats()).get().satisfies(s -> {
                assertThat(s.max()).isEqualTo(max);
                assertThat(s.target()).isBetween(1, max);
            });
        }
        ProcessSupport.assertAllDead(pids);
    }

    @Test
    void prestartStartsAsManyAsTheTarget() throws Exception {
        List<Long> pids;
        try (ProcessPool pool = adaptive(0, 2).build()) {
            int target = Math.min(2, Runtime.getRuntime().availableProcessors());
            assertThat(pool.prestart().get(60, TimeUnit.SECONDS)).isEqualTo(target);
            pids = pool.workerPids();
            assertThat(pids).hasSize(target);
        }
        ProcessSupport.assertAllDead(pids);
    }

    @Test
    void aFixedPoolHasNoAdaptiveStatsAndAnAdaptiveOneStartsAtTheCpus() {
        try (ProcessPool fixed = ProcessSupport.pool(1).build();
             ProcessPool adaptive = adaptive(0, 64).build()) {
            assertThat(fixed.adaptiveStats()).isEmpty();
            AdaptiveStats s = adaptive.adaptiveStats().orElseThrow();
            assertThat(s.target()).isEqualTo(Math.min(64, Runtime.getRuntime().availableProcessors()));
            assertThat(s.min()).isZero();
            assertThat(s.reason()).contains("not measured yet");
        }
    }

    @Test
    void badSettingsSayWhatWasWrong() {
        assertThatThrownBy(() -> ProcessPool.builder().maxWorkers(4).adaptive().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("both maxWorkers(4) and adaptive()");
        assertThatThrownBy(() -> ProcessPool.builder().idleTimeout(Duration.ofSeconds(5)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("call adaptive()");
        assertThatThrownBy(() -> ProcessPool.builder().adaptive(-1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min must be 0 or more, got -1");
        assertThatThrownBy(() -> ProcessPool.builder().adaptive(3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least min (3), got 2");
        assertThatThrownBy(() -> ProcessPool.builder().adaptive(0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> ProcessPool.builder().idleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout must be positive");
    }
}
