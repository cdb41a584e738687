package io.jpool.process;

import io.jpool.AdaptiveStats;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.thread.PoolTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An adaptive process pool escapes starvation: tasks that can end only once {@value #N} of them
 * run at once, on a pool that starts at one worker per CPU (2 here) and whose Goetz estimate stays
 * there, because the tasks spin on a CPU while they wait. Only the starvation rule (queued work,
 * every worker busy, no task ended) takes it to {@value #N} workers.
 */
class ProcessPoolStarvationTest {
    static final int N = 4;
    /** A task gives up after this long, so a pool that never escapes fails the test, not hangs it. */
    static final long GIVE_UP_MILLIS = 90_000;

    /**
     * Enters the rendezvous in {@code dir} (a file of its own), then spins until {@code n} tasks
     * are in; returns this worker's pid, or -1 if it gave up.
     */
    static long spinUntilAllIn(String dir, int me, int n) throws IOException {
        Files.createFile(Path.of(dir, "task-" + me));
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GIVE_UP_MILLIS);
        long x = 0;
        while (System.nanoTime() < end) {
            try (Stream<Path> in = Files.list(Path.of(dir))) {
                if (in.count() >= n) {
                    return x < 0 ? -2 : ProcessHandle.current().pid();
                }
            }
            // computing between looks: a CPU-bound task to the pool, so its estimate stays at the CPUs
            for (long spinEnd = System.nanoTime() + 1_000_000; System.nanoTime() < spinEnd; ) {
                x += Long.numberOfTrailingZeros(System.nanoTime() | 1);
            }
        }
        return -1;
    }

    @Test
    void tasksThatNeedFourWorkersAtOnceGetThem(@TempDir Path dir) throws Exception {
        Set<Long> pids = new HashSet<>();
        String name;
        try (ProcessPool pool = ProcessPoolAdaptiveTest.adaptive(1, 6).build()) {
            String at = dir.toString();
            long t0 = System.nanoTime();
            List<PoolFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                int me = i;
                fs.add(pool.submit(() -> spinUntilAllIn(at, me, N)));
            }
            for (PoolFuture<Long> f : fs) {
                pids.add(f.get(GIVE_UP_MILLIS + 30_000, TimeUnit.MILLISECONDS));
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            AdaptiveStats st = pool.adaptiveStats().orElseThrow();
            System.out.printf("starvation escape: %d tasks needing %d at once ended in %d ms on %d CPUs;"
                    + " now %s%n", N, N, tookMillis, Runtime.getRuntime().availableProcessors(), st);
            assertThat(pids).as("every task saw all %d in, each on a worker of its own", N)
                    .hasSize(N).doesNotContain(-1L, -2L);
            assertThat(st.changes()).isPositive();
            name = pool.toString().replaceAll(".*\\[(jpool-process-\\d+),.*", "$1");
        }
        ProcessSupport.assertAllDead(pids);
        PoolTestSupport.assertNoThreadsLeft(name + "-");
    }
}
