package io.jpool.internal.process;

import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.TaskTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static io.jpool.internal.process.PoolLeaks.assertNothingLeft;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst far past the usual sizes: tens of thousands of submits (200,000 in the slow test) while
 * another thread cancels at random, a few tasks overrun their time limit (their workers are
 * killed mid-burst), then the pool is closed with {@code close()} (everything queued runs) or
 * {@code shutdown(false, true)} (everything queued is cancelled). Every future ends once, its
 * callback runs once, no value is wrong, the stats add up, and nothing is left.
 */
class ProcessPoolBurstTest {
    /**
     * The test's own driver threads (killer, canceller, closer): on 2 CPUs the common pool has one
     * active worker, which a driver's loop would hold while the next driver's job waits for ever.
     */
    private static final java.util.concurrent.ExecutorService DRIVERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-driver");
        t.setDaemon(true);
        return t;
    });

    private static final int TERMINATE_SECONDS = 300;

    @Test
    @Timeout(600)
    void aBurstOfTwentyThousandWithCancelsAndTimeoutsThenClose() throws Exception {
        burst(20_000, new Random(Long.getLong("jpool.test.burstSeed", 3L)), false);
    }

    @Test
    @Timeout(600)
    void aBurstOfTwentyThousandWithCancelsAndTimeoutsThenShutdownCancellingTheQueue() throws Exception {
        burst(20_000, new Random(Long.getLong("jpool.test.burstSeed", 3L)), true);
    }

    @Test
    @Tag("slow")
    @Timeout(1800)
    void aBurstOfTwoHundredThousandWithCancelsAndTimeoutsThenClose() throws Exception {
        Random r = new Random(Long.getLong("jpool.test.burstSeed", 5L));
        burst(200_000, r, false); // close(): all of them run, past the kills of the overrunning ones
        burst(200_000, r, true);
    }

    private static void burst(int n, Random r, boolean cancelQueued) throws Exception {
        ProcessPoolImpl pool = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(2));
        ProcessPoolCloseHangTest.Thrower hook = new ProcessPoolCloseHangTest.Thrower(java.util.Set.of());
        pool.lifecycleHook(hook);
        List<PoolFuture<Integer>> futures = new ArrayList<>(n);
        boolean[] overtime = new boolean[n];
        AtomicIntegerArray callbacks = new AtomicIntegerArray(n);
        AtomicBoolean submitting = new AtomicBoolean(true);
        Random cancelRandom = new Random(r.nextLong());
        long start = System.nanoTime();
        CompletableFuture<Integer> canceller = CompletableFuture.supplyAsync(() -> {
                int cancelled = 0;
                while (submitting.get()) {
                    PoolFuture<Integer> f;
                    synchronized (futures) {
                        f = futures.isEmpty() ? null : futures.get(cancelRandom.nextInt(futures.size()));
                    }
                    if (f != null && !f.isDone() && f.cancel(cancelRandom.nextInt(4) == 0)) {
                        cancelled++;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000); // a few thousand a second
                }
                return cancelled;
            }, DRIVERS);
        for (int i = 0; i < n; i++) {
            int v = i;
            PoolFuture<Integer> f;
            if (r.nextInt(n / 8) == 0) { // a handful: each kills its worker mid-burst
                overtime[i] = true;
                f = pool.submit(() -> {
                    Thread.sleep(60_000);
                    return v;
                }, Duration.ofMillis(200));
            } else {
                f = pool.submit(() -> v, r.nextInt(10) == 0 ? Duration.ofSeconds(120) : null);
            }
            f.addDoneCallback(done -> callbacks.incrementAndGet(v));
            synchronized (futures) {
                futures.add(f);
            }
        }
        submitting.set(false);
        int cancelled = canceller.get(60, TimeUnit.SECONDS);
        long submitted = System.nanoTime();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
            if (cancelQueued) {
                pool.shutdown(false, true);
            } else {
                pool.close();
            }
        }, DRIVERS);
        closed.get(TERMINATE_SECONDS, TimeUnit.SECONDS);
        assertThat(pool.awaitTermination(TERMINATE_SECONDS, TimeUnit.SECONDS)).as("terminated").isTrue();
        long end = System.nanoTime();
        int ok = 0;
        int timedOut = 0;
        int cancelledSeen = 0;
        for (int i = 0; i < n; i++) {
            PoolFuture<Integer> f = futures.get(i);
            assertThat(f.isDone()).as("future %d done", i).isTrue();
            switch (f.status()) {
                case SUCCESS:
                    ok++;
                    assertThat(overtime[i]).as("future %d ran past its limit yet succeeded", i).isFalse();
                    assertThat(f.resultNow()).isEqualTo(i);
                    break;
                case FAILED:
                    // plain tasks wait in no worker's window: only an overrun fails, by its own limit
                    assertThat(f.exceptionNow()).as("future %d", i).isInstanceOf(TaskTimeoutException.class);
                    assertThat(overtime[i]).as("future %d timed out", i).isTrue();
                    timedOut++;
                    break;
                default:
                    cancelledSeen++;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < n; i++) {
            while (callbacks.get(i) == 0 && System.nanoTime() - deadline < 0) {
                Thread.yield();
            }
            assertThat(callbacks.get(i)).as("callback of future %d ran once", i).isEqualTo(1);
        }
        PoolStats s = pool.stats();
        assertThat(s.submitted()).isEqualTo(n);
        assertThat(s.completed()).isEqualTo(ok);
        assertThat(s.failed()).isEqualTo(timedOut);
        assertThat(s.cancelled()).isEqualTo(cancelledSeen);
        assertNothingLeft(pool, hook.workers);
        System.out.printf("burst of %d: submitted in %d ms, %s in %d ms more; %d ok, %d timed out, %d cancelled"
                        + " (%d by the canceller), %d workers%n", n, TimeUnit.NANOSECONDS.toMillis(submitted - start),
                cancelQueued ? "shutdown(false, true)" : "close()", TimeUnit.NANOSECONDS.toMillis(end - submitted),
                ok, timedOut, cancelledSeen, cancelled, hook.workers.size());
    }
}
