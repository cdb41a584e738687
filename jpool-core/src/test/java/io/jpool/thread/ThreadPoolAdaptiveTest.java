package io.jpool.thread;

import io.jpool.AdaptiveStats;
import io.jpool.PoolFuture;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An adaptive ThreadPool on real workloads, with bounds generous enough for a loaded machine:
 * it grows for I/O-bound work, stays near the CPU count for CPU-bound work, escapes starvation,
 * and shrinks back when the load is gone.
 */
class ThreadPoolAdaptiveTest {
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    /** Counts tasks running at once and remembers the most. */
    static final class Concurrency {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();

        int enter() {
            int n = running.incrementAndGet();
            peak.accumulateAndGet(n, Math::max);
            return n;
        }

        void exit() {
            running.decrementAndGet();
        }
    }

    @Test
    void anIoBoundBurstGrowsThePoolWellPastTheCpuCount() throws Exception {
        Concurrency c = new Concurrency();
        List<AdaptiveStats> changes = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        try (ThreadPool pool = ThreadPool.builder().adaptive().adaptiveListener(changes::add)
                .threadNamePrefix("adaptive-io").build()) {
            List<PoolFuture<Integer>> fs = sleepers(pool, c, 2000);
            for (PoolFuture<Integer> f : fs) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(1);
            }
            assertThat(c.peak.get()).as("peak concurrency; changes %s", changes)
                    .isGreaterThanOrEqualTo(Math.max(16, 4 * CPUS));
            AdaptiveStats s = pool.adaptiveStats().orElseThrow();
            assertThat(s.waitComputeRatio()).as("%s", s).isGreaterThan(5.0);
            assertThat(changes).isNotEmpty();
        }
        // 2000 x 20 ms is 40 s on one thread, 20 s on CPUS=2 of them
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(15);
        PoolTestSupport.assertNoThreadsLeft("adaptive-io");
    }

    @Test
    void anIoBoundBacklogKeepsItsEstimateWithoutProbesBelowIt() throws Exception {
        // 20 ms sleeps: each worker carries its share of the rate, so the pool stays at its
        // estimate (clamped to 64) instead of probing below it every few windows
        Concurrency c = new Concurrency();
        List<AdaptiveStats> changes = new CopyOnWriteArrayList<>();
        try (ThreadPool pool = ThreadPool.builder().adaptive(1, 64).adaptiveListener(changes::add)
                .threadNamePrefix("adaptive-hold").build()) {
            List<PoolFuture<Integer>> fs = sleepers(pool, c, 64 * 50 * 8); // ~8 s at 64 workers
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (changes.stream().noneMatch(s -> s.target() == 64) && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling the listener's record, not synchronising tasks
            }
            int reachedAt = changes.size();
            assertThat(reachedAt).as("reached 64: %s", changes).isPositive();
            Thread.sleep(3_000); // a stretch of time at the estimate, under observation
            List<AdaptiveStats> after = List.copyOf(changes.subList(reachedAt, changes.size()));
            assertThat(after).as("no change below 64 while the backlog lasts: %s", after)
                    .allMatch(s -> s.target() >= 64);
            fs.forEach(f -> f.cancel(false));
        }
        PoolTestSupport.assertNoThreadsLeft("adaptive-hold");
    }

    @Test
    void aCpuBoundBurstStaysNearTheCpuCount() throws Exception {
        Concurrency c = new Concurrency();
        AtomicLong overCpusPlusOne = new AtomicLong();
        int tasks = 1500;
        try (ThreadPool pool = ThreadPool.builder().adaptive().threadNamePrefix("adaptive-cpu").build()) {
            List<PoolFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                fs.add(pool.submit(() -> {
                    if (c.enter() > CPUS + 1) {
                        overCpusPlusOne.incrementAndGet();
                    }
                    try {
                        return spin(2_000_000L);
                    } finally {
                        c.exit();
                    }
                }));
            }
            for (PoolFuture<Long> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
            // a probe above CPUS + 1 is allowed now and then, not for long
            assertThat(overCpusPlusOne.get()).as("tasks started with more than %d running; peak %d; %s",
                    CPUS + 1, c.peak.get(), pool.adaptiveStats()).isLessThan(tasks / 5);
        }
        PoolTestSupport.assertNoThreadsLeft("adaptive-cpu");
    }

    @Test
    void hundredsOfIoBoundWorkersWhoseWorkTurnsCpuBoundShedToTheCpus() throws Exception {
        // a closed loop of 600 tasks: 20 ms sleeps until the pool has well over 100 workers, then
        // 1 ms of spinning. The crowd of runnable workers delays the sizing thread itself; the
        // workers' own ticks and the cut at the tick that shows the crowd shed it
        int inFlight = 600;
        AtomicBoolean cpuPhase = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch ended = new CountDownLatch(inFlight);
        List<AdaptiveStats> changes = new CopyOnWriteArrayList<>();
        long shedMillis;
        try (ThreadPool pool = ThreadPool.builder().adaptive(1, 256).adaptiveListener(changes::add)
                .threadNamePrefix("adaptive-shed").build()) {
            startClosedLoop(pool, inFlight, cpuPhase, stop, ended);
            // the counts the loops saw, not a second read: a cut can come between the two
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int workers;
            while ((workers = pool.stats().workers()) < 128 && System.nanoTime() < deadline) {
                Thread.sleep(10); // observing the pool's growth, not synchronising with it
            }
            assertThat(workers).as("grew for the sleeps: %s", changes).isGreaterThanOrEqualTo(128);
            cpuPhase.set(true);
            long flipped = System.nanoTime();
            deadline = flipped + TimeUnit.SECONDS.toNanos(60);
            while ((workers = pool.stats().workers()) > CPUS + 1 && System.nanoTime() < deadline) {
                Thread.sleep(10); // observing the shedding
            }
            shedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - flipped);
            assertThat(workers).as("shed to the CPUs: %s", changes).isLessThanOrEqualTo(CPUS + 1);
            stop.set(true);
            assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
        }
        // about 1-2 s on 2 CPUs; generous for a loaded machine
        assertThat(shedMillis).as("shed after %d ms: %s", shedMillis, changes).isLessThan(15_000);
        PoolTestSupport.assertNoThreadsLeft("adaptive-shed");
    }

    @Test
    void tasksThatNeedEightAtOnceEscapeStarvation() throws Exception {
        int n = 8;
        CyclicBarrier barrier = new CyclicBarrier(n);
        AtomicInteger timedOut = new AtomicInteger();
        long start = System.nanoTime();
        try (ThreadPool pool = ThreadPool.builder().adaptive(1, 64).threadNamePrefix("adaptive-starve").build()) {
            List<PoolFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 2 * n; i++) {
                fs.add(pool.submit(() -> awaitTheOthers(barrier, timedOut)));
            }
            for (PoolFuture<Integer> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(timedOut.get()).isZero();
            assertThat(pool.adaptiveStats().orElseThrow().reason()).isNotNull();
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // about 1 s unloaded (500 ms to call it starvation, then growth every 100 ms); generous here
        assertThat(ms).as("escaped after %d ms", ms).isLessThan(10_000);
        PoolTestSupport.assertNoThreadsLeft("adaptive-starve");
    }

    @Test
    void theTargetFallsWhenTheLoadIsGoneAndRisesWhenItComesBack() throws Exception {
        try (ThreadPool pool = ThreadPool.builder().adaptive(1, 64).threadNamePrefix("adaptive-fall").build()) {
            List<PoolFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                fs.add(pool.submit(() -> {
                    Thread.sleep(20);
                    return 1;
                }));
            }
            for (PoolFuture<Integer> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pool.adaptiveStats().orElseThrow().target() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(50); // observing the controller, not synchronising with it
            }
            AdaptiveStats s = pool.adaptiveStats().orElseThrow();
            assertThat(s.target()).as("%s", s).isEqualTo(1);
            assertThat(s.reason()).startsWith("load fell");

            // and grows again when I/O-bound work comes back
            Concurrency c = new Concurrency();
            fs.clear();
            fs.addAll(sleepers(pool, c, 1000));
            for (PoolFuture<Integer> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(c.peak.get()).as("peak after the load came back; %s", pool.adaptiveStats())
                    .isGreaterThanOrEqualTo(Math.max(16, 4 * CPUS));
        }
        PoolTestSupport.assertNoThreadsLeft("adaptive-fall");
    }

    @Test
    void aFixedSizePoolHasNoAdaptiveStats() {
        try (ThreadPool pool = ThreadPool.create(2)) {
            assertThat(pool.adaptiveStats()).isEmpty();
        }
    }

    @Test
    void badAdaptiveSettingsSayWhatIsWrong() {
        assertThatThrownBy(() -> ThreadPool.builder().adaptive(0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min must be at least 1, got 0");
        assertThatThrownBy(() -> ThreadPool.builder().adaptive(5, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max must be at least min (5), got 4");
        assertThatThrownBy(() -> ThreadPool.builder().maxWorkers(8).adaptive().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("choose one");
        assertThatThrownBy(() -> ThreadPool.builder().adaptiveListener(s -> { }).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("call adaptive()");
        assertThatThrownBy(() -> ThreadPool.builder().adaptive().virtualThreads(true).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tasksThatNeedEightAtOnceEscapeStarvationAfterTheBlockThatSubmittedThemClosesThePool() throws Exception {
        // try (pool) { submit; } closes the pool at once: the queued tasks still run, so the pool
        // must still grow for them. It once started no worker after shutdown, and close() waited
        // for tasks that waited for the queued ones
        int n = 8;
        CyclicBarrier barrier = new CyclicBarrier(n);
        AtomicInteger timedOut = new AtomicInteger();
        List<PoolFuture<Integer>> fs = new ArrayList<>();
        ThreadPool pool = ThreadPool.builder().adaptive(1, 64).threadNamePrefix("adaptive-starve-closed").build();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(() -> awaitTheOthers(barrier, timedOut)));
            }
            pool.shutdown(false, false); // what close() does, without its unbounded wait
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS))
                    .as("terminated: %s %s", pool.stats(), pool.adaptiveStats()).isTrue();
        } finally {
            pool.shutdownNow();
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(timedOut.get()).as("tasks that gave up waiting for the others").isZero();
        assertThat(fs).allMatch(f -> f.status() == PoolFuture.Status.SUCCESS);
        assertThat(ms).as("escaped after %d ms", ms).isLessThan(10_000);
        PoolTestSupport.assertNoThreadsLeft("adaptive-starve-closed");
    }

    @Test
    void aListenerThatThrowsAnErrorStopsNoSizing() throws Exception {
        // a careless listener (an assert, a StackOverflowError) once killed the sizing thread at
        // the first change, and nothing started another while the pool kept its size: the
        // workers of an I/O burst then stayed for CPU-bound work
        AtomicInteger heard = new AtomicInteger();
        AtomicBoolean cpuPhase = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        int inFlight = 200;
        CountDownLatch ended = new CountDownLatch(inFlight);
        try (ThreadPool pool = ThreadPool.builder().adaptive(1, 64).threadNamePrefix("adaptive-listener-error")
                .adaptiveListener(s -> {
                    heard.incrementAndGet();
                    throw new AssertionError("a careless listener");
                }).build()) {
            startClosedLoop(pool, inFlight, cpuPhase, stop, ended);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int workers;
            while ((workers = pool.stats().workers()) < 32 && System.nanoTime() < deadline) {
                Thread.sleep(10); // observing the pool's growth, not synchronising with it
            }
            assertThat(workers).as("grew for the sleeps: %s", pool.adaptiveStats()).isGreaterThanOrEqualTo(32);
            cpuPhase.set(true);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((workers = pool.stats().workers()) > CPUS + 1 && System.nanoTime() < deadline) {
                Thread.sleep(10); // observing the shedding
            }
            assertThat(workers).as("shed to the CPUs though the listener threw: %s", pool.adaptiveStats())
                    .isLessThanOrEqualTo(CPUS + 1);
            assertThat(heard.get()).as("the listener heard of the changes").isGreaterThanOrEqualTo(2);
            stop.set(true);
            assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
        }
        PoolTestSupport.assertNoThreadsLeft("adaptive-listener-error");
    }

    @Test
    void anAdaptivePoolStartsNoThreadUntilTheFirstTask() throws Exception {
        try (ThreadPool pool = ThreadPool.builder().adaptive().threadNamePrefix("adaptive-lazy").build()) {
            assertThat(PoolTestSupport.threadsNamed("adaptive-lazy")).isEmpty();
            assertThat(pool.submit(() -> 7).get(30, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(pool.adaptiveStats().orElseThrow().target()).isBetween(1, 512);
        }
        PoolTestSupport.assertNoThreadsLeft("adaptive-lazy");
    }

    private static long spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        return x;
    }

    /** Submits {@code n} tasks that each sleep 20 ms (I/O-like), counted in {@code c} while they run. */
    private static List<PoolFuture<Integer>> sleepers(ThreadPool pool, Concurrency c, int n) {
        List<PoolFuture<Integer>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fs.add(pool.submit(() -> {
                c.enter();
                try {
                    Thread.sleep(20);
                } finally {
                    c.exit();
                }
                return 1;
            }));
        }
        return fs;
    }

    /** A task that can end only when the barrier's other parties run too; counts a timeout. */
    private static int awaitTheOthers(CyclicBarrier barrier, AtomicInteger timedOut) throws InterruptedException {
        try {
            barrier.await(60, TimeUnit.SECONDS); // the fallback: never reached if the pool grows
        } catch (TimeoutException | BrokenBarrierException e) {
            timedOut.incrementAndGet();
        }
        return 1;
    }

    /**
     * Keeps {@code inFlight} tasks in {@code pool}: each sleeps 20 ms (or, once {@code cpuPhase}
     * is set, spins 1 ms) and submits its successor, until {@code stop}; then counts down
     * {@code ended}.
     */
    private static void startClosedLoop(ThreadPool pool, int inFlight, AtomicBoolean cpuPhase, AtomicBoolean stop,
                                        CountDownLatch ended) {
        Runnable[] task = new Runnable[1];
        task[0] = () -> {
            try {
                if (cpuPhase.get()) {
                    spin(1_000_000L);
                } else {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (stop.get()) {
                ended.countDown();
            } else {
                pool.execute(task[0]);
            }
        };
        for (int i = 0; i < inFlight; i++) {
            pool.execute(task[0]);
        }
    }
}
