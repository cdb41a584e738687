package io.jpool.process;

import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.ProcessPool;
import io.jpool.TaskTimeoutException;
import io.jpool.WorkerDiedException;
import io.jpool.thread.PoolTestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults in combination on an adaptive process pool: bursts of tasks that sleep, compute, throw,
 * exit, halt, hang past their limit or are cancelled, on workers that recycle every 15 tasks,
 * while a {@link WorkerKiller} SIGKILLs a worker every 300 ms; between bursts the pool goes idle
 * and its workers retire (min 0), so each burst starts workers again under the killer. Every task
 * must end once, in a state its kind allows; the stats must add up; the pool must size itself
 * within its bounds, retire to none after each burst, and leave no process or thread behind.
 */
class ProcessPoolAdaptiveChaosTest {

    enum Kind { SLEEP, SPIN, THROW, EXIT, HALT, HANG, CANCEL }

    private static final Duration HANG_LIMIT = Duration.ofMillis(1500);

    @Test
    void burstsBetweenIdleSpellsUnderKillsEndEveryTaskOnce() throws Exception {
        run(3, 30);
    }

    @Test
    @Tag("slow")
    void manyBurstsBetweenIdleSpellsUnderKillsEndEveryTaskOnce() throws Exception {
        run(12, 120);
    }

    private static void run(int bursts, int perBurst) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Kind> kinds = new ArrayList<>();
        List<PoolFuture<Integer>> futures = new ArrayList<>();
        int max = 3;
        ProcessPool pool = ProcessPoolAdaptiveTest.adaptive(0, max).idleTimeout(Duration.ofMillis(300))
                .maxTasksPerWorker(15).build();
        WorkerKiller killer = new WorkerKiller(pool, 300).start();
        int peakWorkers = 0;
        try {
            for (int b = 0; b < bursts; b++) {
                killer.resume();
                int first = futures.size();
                for (int i = 0; i < perBurst; i++) {
                    Kind kind = pick(random);
                    kinds.add(kind);
                    futures.add(submit(pool, kind, futures.size()));
                }
                for (int i = first; i < futures.size(); i++) {
                    awaitEnd(futures.get(i));
                    peakWorkers = Math.max(peakWorkers, pool.stats().workers());
                }
                killer.pause();
                // idle: every worker retires (min 0), and the next burst starts them again
                assertThat(ProcessPoolAdaptiveTest.awaitWorkers(pool, 0, Duration.ofSeconds(60)))
                        .as("burst %d: the idle workers retired; %s, %s", b, pool.stats(), pool.adaptiveStats()).isTrue();
            }
        } finally {
            killer.close();
            ProcessPoolReaderFaultsTest.closeWithin(pool, 60);
        }
        String seedNote = "seed " + seed;
        int killedTasks = 0;
        for (int i = 0; i < futures.size(); i++) {
            killedTasks += checkEnded(futures.get(i), kinds.get(i), i, seedNote) ? 1 : 0;
        }
        PoolStats s = pool.stats();
        assertThat(s.submitted()).as(seedNote).isEqualTo(futures.size());
        assertThat(s.completed() + s.failed() + s.cancelled()).as("%s: %s", seedNote, s).isEqualTo(futures.size());
        assertThat(peakWorkers).as(seedNote).isBetween(1, max);
        assertThat(killer.kills()).as("the killer killed something; %s", seedNote).isPositive();
        System.out.printf("adaptive chaos: %d tasks in %d bursts, %d kills, %d tasks failed by a kill, peak %d workers (%s)%n",
                futures.size(), bursts, killer.kills(), killedTasks, peakWorkers, seedNote);
        ProcessSupport.assertAllDead(killer.seen());
        String name = pool.toString().replaceAll(".*\\[(jpool-process-\\d+),.*", "$1");
        PoolTestSupport.assertNoThreadsLeft(name + "-");
    }

    /** Waits (generously) for {@code f} to end, whichever way. */
    private static void awaitEnd(PoolFuture<Integer> f) throws Exception {
        try {
            f.exception(Duration.ofSeconds(120));
        } catch (CancellationException e) {
            // ended: cancelled
        }
    }

    private static Kind pick(Random random) {
        int r = random.nextInt(100);
        return r < 45 ? Kind.SLEEP : r < 60 ? Kind.SPIN : r < 70 ? Kind.THROW : r < 76 ? Kind.EXIT
                : r < 82 ? Kind.HALT : r < 88 ? Kind.HANG : Kind.CANCEL;
    }

    private static PoolFuture<Integer> submit(ProcessPool pool, Kind kind, int n) {
        switch (kind) {
            case SLEEP:
                return pool.submit(() -> {
                    Thread.sleep(20);
                    return n;
                });
            case SPIN:
                return pool.submit(() -> ProcessPoolAdaptiveTest.spinThenPid(5) > 0 ? n : -1);
            case THROW:
                return pool.submit(() -> {
                    throw new IllegalStateException("task " + n);
                });
            case EXIT:
                return pool.submit(() -> {
                    System.exit(5);
                    return -1;
                });
            case HALT:
                return pool.submit(() -> {
                    Runtime.getRuntime().halt(6);
                    return -1;
                });
            case HANG:
                return pool.submit(() -> {
                    Thread.sleep(Long.MAX_VALUE);
                    return -1;
                }, HANG_LIMIT);
            default: // CANCEL
                PoolFuture<Integer> f = pool.submit(() -> {
                    Thread.sleep(200);
                    return n;
                });
                f.cancel(true);
                return f;
        }
    }

    /**
     * Checks that task {@code i} ended in a state its kind allows; returns whether a kill (not
     * its own doing) failed it. Any task may be failed by a kill of its worker while it ran; a
     * cancelled one may have finished (or died) before the cancel came.
     */
    private static boolean checkEnded(PoolFuture<Integer> f, Kind kind, int i, String seedNote) throws Exception {
        assertThat(f.isDone()).as("task %d (%s) ended; %s", i, kind, seedNote).isTrue();
        if (f.isCancelled()) {
            assertThat(kind).as("task %d cancelled; %s", i, seedNote).isEqualTo(Kind.CANCEL);
            assertThatThrownBy(() -> f.exception(Duration.ZERO)).isInstanceOf(CancellationException.class);
            return false;
        }
        Throwable e = f.exception(Duration.ZERO);
        if (e == null) {
            assertThat(kind).as("task %d succeeded; %s", i, seedNote).isIn(Kind.SLEEP, Kind.SPIN, Kind.CANCEL);
            assertThat(f.resultNow()).isEqualTo(i);
            return false;
        }
        if (e instanceof WorkerDiedException) {
            return kind != Kind.EXIT && kind != Kind.HALT;
        }
        switch (kind) {
            case THROW:
                assertThat(e).as("task %d; %s", i, seedNote).isInstanceOf(IllegalStateException.class)
                        .hasMessage("task " + i);
                break;
            case HANG:
                assertThat(e).as("task %d; %s", i, seedNote).isInstanceOf(TaskTimeoutException.class);
                break;
            default:
                throw new AssertionError("task " + i + " (" + kind + ") failed; " + seedNote, e);
        }
        return false;
    }
}
