package io.jpool.process;

import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.ProcessPool;
import io.jpool.internal.process.ProcessPoolProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos: while a {@code map} runs under {@code retries(50)}, a {@link WorkerKiller} SIGKILLs a
 * random worker every 200 ms (working ones; one kill in four may hit a worker still starting).
 * Every value must come back right, in order, none missing and none twice; the pool must not break, and must serve a task afterwards. The short
 * runs are in the normal suite; the long ones are tagged slow and print their figures (kills,
 * duration against the same map without kills, items re-run).
 */
class ProcessPoolKillChaosTest {
    private static final long KILL_EVERY_MILLIS = 200;

    @Test
    void aShortMapSurvivesAKillEvery200Ms() throws Exception {
        run(10_000, 10, 8, false);
    }

    @Test
    void aShortMapOfSingleItemChunksSurvivesAKillEvery200Ms() throws Exception {
        run(1_000, 1, 8, false);
    }

    @Test
    @Tag("slow")
    void aLongMapSurvivesAKillEvery200Ms() throws Exception {
        run(100_000, 10, 1, true);
    }

    @Test
    @Tag("slow")
    void aLongMapOfSingleItemChunksSurvivesAKillEvery200Ms() throws Exception {
        run(10_000, 1, 1, true);
    }

    /** Maps {@code items} (again, until at least {@code minKills} kills happened) under the killer. */
    private static void run(int items, int chunksize, int minKills, boolean compare) throws Exception {
        List<Integer> input = IntStream.range(0, items).boxed().collect(Collectors.toList());
        long quietNanos = 0;
        if (compare) {
            try (ProcessPool pool = ProcessSupport.pool(2).retries(50).build()) {
                pool.submit(() -> 0).get(60, TimeUnit.SECONDS); // started, as the chaos run's pool will be
                long t0 = System.nanoTime();
                check(pool, input, chunksize);
                quietNanos = System.nanoTime() - t0;
            }
        }
        ProcessPool pool = ProcessSupport.pool(2).retries(50).build();
        WorkerKiller killer = new WorkerKiller(pool, KILL_EVERY_MILLIS);
        long chaosNanos;
        int maps;
        try {
            pool.submit(() -> 0).get(60, TimeUnit.SECONDS);
            killer.start();
            long t0 = System.nanoTime();
            maps = 0;
            do {
                check(pool, input, chunksize);
                maps++;
            } while (killer.kills() < minKills);
            chaosNanos = (System.nanoTime() - t0) / maps;
            killer.close();
            assertThat(pool.submit(() -> 42).get(60, TimeUnit.SECONDS)).isEqualTo(42);
            System.out.printf("kill chaos: %d maps of %d items, chunksize %d: %d kills, %d ms a map (without kills: %s), "
                            + "%d chunks re-run, %d items re-run%n", maps, items, chunksize, killer.kills(),
                    chaosNanos / 1_000_000, compare ? quietNanos / 1_000_000 + " ms" : "not measured",
                    ProcessPoolProbe.tasksRetried(pool), ProcessPoolProbe.itemsRetried(pool));
        } finally {
            killer.close();
            ProcessPoolReaderFaultsTest.closeWithin(pool, 60);
        }
        ProcessSupport.assertAllDead(killer.seen());
        // no reader, starter, pump or socket thread of the pool outlives it
        String name = pool.toString().replaceAll(".*\\[(jpool-process-\\d+),.*", "$1");
        io.jpool.thread.PoolTestSupport.assertNoThreadsLeft(name + "-");
    }

    /** Maps {@code x -> 3x + 1} and checks every value, in order, none missing, none twice. */
    private static void check(ProcessPool pool, List<Integer> input, int chunksize) {
        int n = 0;
        try (MapResult<Long> r = pool.map((Integer x) -> 3L * x + 1, input,
                MapOptions.defaults().chunksize(chunksize))) {
            Iterator<Long> it = r.iterator();
            while (it.hasNext()) {
                Long v = it.next();
                assertThat(v).as("result %d", n).isEqualTo(3L * n + 1);
                n++;
            }
        }
        assertThat(n).isEqualTo(input.size());
    }
}
