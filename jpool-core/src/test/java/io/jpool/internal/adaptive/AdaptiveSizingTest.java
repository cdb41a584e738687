package io.jpool.internal.adaptive;

import io.jpool.AdaptiveStats;
import io.jpool.thread.PoolTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ticker around the controller, on a fake pool: a tick the sizing thread is late for is run by
 * a worker that ends a sampled task, and the listener still hears of it on the sizing thread.
 */
class AdaptiveSizingTest {
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    @Test
    void aWorkerRunsTheTicksTheSizingThreadIsTooLateForAndTheListenerHearsOnTheSizingThread() throws Exception {
        // the sizing thread ticks once, then stands still (as behind hundreds of runnable workers);
        // the pool starves (tasks queued, every worker busy, none ends): the starvation rule needs
        // ticks over half a second, which only the "worker" (this thread) can run now
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger quietLooks = new AtomicInteger();
        AtomicBoolean quiet = new AtomicBoolean();
        List<Thread> samplers = new CopyOnWriteArrayList<>();
        List<Integer> applied = new CopyOnWriteArrayList<>();
        List<AdaptiveStats> heard = new CopyOnWriteArrayList<>();
        List<Thread> listenerThreads = new CopyOnWriteArrayList<>();
        int max = 64 * CPUS;
        AdaptiveSizing sizing = new AdaptiveSizing(new AdaptiveConfig(1, max, s -> {
            heard.add(s);
            listenerThreads.add(Thread.currentThread());
        }), "sizing-under-test");
        sizing.bind(pool((nanoTime, cpuContention) -> {
            samplers.add(Thread.currentThread());
            return new AdaptiveSample(nanoTime, 0, 0, 0, 0, 1_000, max, cpuContention);
        }, applied::add, () -> {
            if (quietLooks.incrementAndGet() == 2) {
                stuck.countDown();
                holdUntil(release);
            }
            return quiet.get();
        }));
        int before = sizing.target();
        sizing.ensureRunning();
        assertThat(stuck.await(30, TimeUnit.SECONDS)).as("the sizing thread ticked once").isTrue();
        tickAsAWorkerUntilTheTargetLeaves(sizing, before);
        assertThat(sizing.target()).as("starvation seen by the worker's ticks: %s", sizing.stats()).isGreaterThan(before);
        assertThat(samplers).as("ticks run by the worker").contains(Thread.currentThread());
        assertThat(applied).contains(sizing.target());
        assertThat(heard).as("the listener is called on the sizing thread only, which stands still").isEmpty();

        quiet.set(true);
        release.countDown();
        long heardBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (heard.isEmpty() && System.nanoTime() < heardBy) {
            Thread.sleep(5); // polling the listener's record
        }
        assertThat(heard).as("told once the sizing thread runs").isNotEmpty();
        assertThat(heard.get(heard.size() - 1).target()).isEqualTo(sizing.target());
        assertThat(listenerThreads).allMatch(t -> t.getName().equals("sizing-under-test"));
        PoolTestSupport.assertNoThreadsLeft("sizing-under-test");
    }

    @Test
    void aTickThatStallsMidWayStopsNoOtherTickAndIsDropped() throws Exception {
        // a thread preempted in the middle of a tick (as behind hundreds of runnable workers) must
        // not hold the others' ticks back: here the sizing thread's second sample blocks until
        // released; meanwhile a worker's ticks see the starvation and raise the target; once
        // released, the stalled tick's older view is not published over theirs
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger tickerSamples = new AtomicInteger();
        AtomicBoolean quiet = new AtomicBoolean();
        List<Integer> applied = new CopyOnWriteArrayList<>();
        int max = 64 * CPUS;
        AdaptiveSizing sizing = new AdaptiveSizing(new AdaptiveConfig(1, max, null), "sizing-stalled");
        sizing.bind(pool((nanoTime, cpuContention) -> {
            if (Thread.currentThread().getName().equals("sizing-stalled") && tickerSamples.incrementAndGet() == 2) {
                stalled.countDown();
                holdUntil(release);
            }
            return new AdaptiveSample(nanoTime, 0, 0, 0, 0, 1_000, max, cpuContention);
        }, applied::add, quiet::get));
        int before = sizing.target();
        sizing.ensureRunning();
        assertThat(stalled.await(30, TimeUnit.SECONDS)).as("the sizing thread stalled in its second tick").isTrue();
        tickAsAWorkerUntilTheTargetLeaves(sizing, before);
        int raised = sizing.target();
        assertThat(raised).as("the worker's ticks went on: %s", sizing.stats()).isGreaterThan(before);
        quiet.set(true);
        release.countDown();
        PoolTestSupport.assertNoThreadsLeft("sizing-stalled");
        assertThat(sizing.target()).as("the stalled tick was dropped: %s", sizing.stats()).isEqualTo(raised);
        assertThat(applied.get(applied.size() - 1)).isEqualTo(raised);
    }

    @Test
    void aWorkerBringsBackASizingThreadThatDiedOfAnError() throws Exception {
        // the sizing thread dies of an Error in a tick (an OutOfMemoryError, say); only a worker
        // start brought another, and a pool at its target starts none: it kept its size for good.
        // A worker that ends a sampled task while the ticks are overdue brings the thread back
        AtomicInteger tickerSamples = new AtomicInteger();
        AtomicBoolean died = new AtomicBoolean();
        AtomicBoolean quiet = new AtomicBoolean();
        AdaptiveSizing sizing = new AdaptiveSizing(new AdaptiveConfig(1, 8, null), "sizing-revived");
        sizing.bind(pool((nanoTime, cpuContention) -> {
            if (Thread.currentThread().getName().equals("sizing-revived")) {
                if (died.compareAndSet(false, true)) {
                    throw new OutOfMemoryError("a test's: the sizing thread dies in its first tick");
                }
                tickerSamples.incrementAndGet();
            }
            return new AdaptiveSample(nanoTime, 0, 0, 0, 0, 0, 0, cpuContention);
        }, target -> { }, quiet::get));
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> { }); // the test's Error, expected
        try {
            sizing.ensureRunning();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (tickerSamples.get() < 3 && System.nanoTime() < deadline) {
                sizing.onSampledTask(); // as a worker ending sampled tasks
                Thread.sleep(20); // pacing, not synchronisation: the loop's condition is the outcome
            }
        } finally {
            quiet.set(true);
            PoolTestSupport.assertNoThreadsLeft("sizing-revived");
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
        assertThat(died.get()).as("the first sizing thread died").isTrue();
        assertThat(tickerSamples.get()).as("a new sizing thread ticks").isGreaterThanOrEqualTo(3);
    }

    @Test
    void aWorkerDoesNotTickWhileTheSizingThreadIsOnTime() throws Exception {
        List<Thread> samplers = new CopyOnWriteArrayList<>();
        AdaptiveSizing sizing = new AdaptiveSizing(new AdaptiveConfig(1, 8, null), "sizing-on-time");
        AtomicBoolean quiet = new AtomicBoolean();
        sizing.bind(pool((nanoTime, cpuContention) -> {
            samplers.add(Thread.currentThread());
            return new AdaptiveSample(nanoTime, 0, 0, 0, 0, 0, 0, cpuContention);
        }, target -> { }, quiet::get));
        long start = System.nanoTime();
        sizing.ensureRunning();
        for (int i = 0; i < 20; i++) {
            sizing.onSampledTask(); // right after the start: no tick is due, let alone late
        }
        // the first tick is due 100 ms after the start and late 25 ms after that: a machine that
        // stalled this thread that long has made a worker's tick right, and the test says nothing
        assumeTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(100),
                "this thread stalled past the first tick's due time");
        assertThat(samplers).doesNotContain(Thread.currentThread());
        quiet.set(true);
        PoolTestSupport.assertNoThreadsLeft("sizing-on-time");
    }

    /** Ends sampled tasks now and then, as a worker does, until the target moves from {@code before} (30 s at most). */
    private static void tickAsAWorkerUntilTheTargetLeaves(AdaptiveSizing sizing, int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sizing.target() == before && System.nanoTime() < deadline) {
            sizing.onSampledTask();
            Thread.sleep(5); // pacing, not synchronisation: the assertion after the call checks the outcome
        }
    }

    /** A pool of the test's making, never terminated: each of its hooks given as a lambda. */
    private static AdaptiveSizing.Pool pool(BiFunction<Long, Double, AdaptiveSample> sample, IntConsumer applyTarget,
                                            BooleanSupplier isQuiet) {
        return new AdaptiveSizing.Pool() {
            @Override
            public AdaptiveSample sample(long nanoTime, double cpuContention) {
                return sample.apply(nanoTime, cpuContention);
            }

            @Override
            public void applyTarget(int target) {
                applyTarget.accept(target);
            }

            @Override
            public boolean isQuiet() {
                return isQuiet.getAsBoolean();
            }

            @Override
            public boolean isTerminated() {
                return false;
            }
        };
    }

    /** Holds the calling thread (a tick in flight) until {@code release} opens, a minute at most. */
    private static void holdUntil(CountDownLatch release) {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
