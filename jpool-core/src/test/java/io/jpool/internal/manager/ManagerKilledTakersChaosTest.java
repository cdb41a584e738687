package io.jpool.internal.manager;

import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.SharedList;
import io.jpool.SharedQueue;
import io.jpool.WorkerOutput;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.jpool.internal.manager.ManagerFaultsTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Producers in worker JVMs blocked in {@code put} on a small bounded queue while the takers, in
 * other worker JVMs, are killed at random moments ({@code cancel(true)} SIGKILLs a task's worker),
 * some after an element was handed over and before they logged it. Seeded rounds; each checks
 * that every producer finished (no put waits for ever behind dead takers), that no element was
 * logged twice or is both logged and still queued, and that every element put is either still
 * queued or acknowledged, with at most one acknowledged but unlogged element per kill.
 */
class ManagerKilledTakersChaosTest {

    @Test
    @Timeout(300)
    void aRoundOfTakersKilledWhileProducersBlock() throws Exception {
        round(new Random(Long.getLong("jpool.test.takersChaosSeed", 1L)), 400);
    }

    @Test
    @Tag("slow")
    @Timeout(1800)
    void manyRoundsOfTakersKilledWhileProducersBlock() throws Exception {
        Random seeds = new Random(Long.getLong("jpool.test.takersChaosSeed", 2L));
        for (int i = 0; i < Integer.getInteger("jpool.test.takersChaosRounds", 8); i++) {
            long seed = seeds.nextLong();
            try {
                round(new Random(seed), 2000);
            } catch (Throwable e) {
                throw new AssertionError("round " + i + " (seed " + seed + ") failed: " + e, e);
            }
        }
    }

    private static void round(Random r, int perProducer) throws Exception {
        int producers = 2;
        try (ManagerImpl m = new ManagerImpl();
             ProcessPool pool = ProcessPool.builder().maxWorkers(4).jvmOptions("-Xmx64m", "-XX:TieredStopAtLevel=1")
                     .workerOutput(WorkerOutput.DISCARD).build()) {
            SharedQueue<Long> q = m.queue("q", 1 + r.nextInt(4));
            SharedList<Long> log = m.list("log");
            QueueState state = (QueueState) m.server().stateNamed("q");
            List<PoolFuture<Integer>> putters = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                long first = (long) p * perProducer;
                putters.add(pool.submit(() -> {
                    for (long e = first; e < first + perProducer; e++) {
                        q.put(e); // blocks while the queue is full and its takers are dead
                    }
                    return perProducer;
                }));
            }
            int kills = 0;
            List<PoolFuture<Integer>> takers = new ArrayList<>();
            while (!putters.stream().allMatch(PoolFuture::isDone)) {
                takers.removeIf(PoolFuture::isDone);
                while (takers.size() < 2) {
                    takers.add(pool.submit(() -> {
                        int n = 0;
                        for (Long e; (e = q.poll(Duration.ofSeconds(2))) != null; n++) {
                            log.add(e); // a kill right before this loses the report, not the element
                        }
                        return n;
                    }));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50 + r.nextInt(400)));
                PoolFuture<Integer> victim = takers.get(r.nextInt(takers.size()));
                if (victim.isRunning() && victim.cancel(true)) {
                    kills++;
                }
            }
            for (PoolFuture<Integer> p : putters) {
                assertThat(p.get(120, TimeUnit.SECONDS)).as("a producer put all of its elements").isEqualTo(perProducer);
            }
            for (PoolFuture<Integer> t : takers) {
                t.cancel(true);
            }
            long total = (long) producers * perProducer;
            // once the dead takers' connections are cleaned up, what they held unacknowledged is back
            await(() -> m.server().openConnections() <= pool.workerPids().size()
                    && q.size() + state.acknowledgedCount() == total,
                    "every element put is queued or acknowledged (size " + q.size() + ", acknowledged "
                            + state.acknowledgedCount() + ", put " + total + ")");
            List<Long> logged = new ArrayList<>();
            for (int i = 0; i < log.size(); i++) {
                logged.add(log.get(i));
            }
            Set<Long> taken = new HashSet<>(logged);
            assertThat(taken).as("elements logged twice").hasSameSizeAs(logged);
            Set<Long> left = new HashSet<>();
            for (Long e = q.poll(); e != null; e = q.poll()) {
                assertThat(left.add(e)).as("%d is queued twice", e).isTrue();
                assertThat(taken).as("%d is both taken and queued", e).doesNotContain(e);
            }
            assertThat(taken).allSatisfy(e -> assertThat(e).isBetween(0L, total - 1));
            long unlogged = state.acknowledgedCount() - taken.size();
            assertThat(unlogged).as("acknowledged by a taker killed before it logged: at most one a kill")
                    .isBetween(0L, (long) kills + takers.size());
            System.out.printf("killed takers: %d put, %d kills, %d logged, %d unlogged, %d left, %d came back%n",
                    total, kills, taken.size(), unlogged, left.size(), state.returnedCount());
        }
    }
}
