package io.jpool.internal.process;

import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.ProcessPool;
import io.jpool.WorkerDiedException;
import io.jpool.internal.process.LifecycleHook.Step;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static io.jpool.internal.process.PoolLeaks.assertNothingLeft;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos around {@code close()}: each round builds a small recycling pool (some with an
 * initializer, so workers pass through INITIALISING), and while tasks run, a killer thread
 * SIGKILLs a random worker every 200-600 ms, the pool's {@link LifecycleHook}
 * SIGKILLs workers as they launch, as they are put to work and as they are told to exit (recycled
 * after a few tasks, or at close), some tasks are cancelled, and {@code close()} starts at a random
 * moment on another thread, sometimes right after a {@code prestart()} and sometimes after a
 * worker was stopped (SIGSTOP). Each round checks that close() returned within a generous bound,
 * that every future ended once, in a state its story allows, that the stats add up, and that no
 * worker process, pool thread or directory is left. A round takes 5 to 25 s on a shared machine,
 * so the test is tagged slow; {@code -Djpool.test.closeChaosRounds=N} and
 * {@code -Djpool.test.closeChaosSeed=S} run other rounds.
 */
@Tag("slow")
class ProcessPoolCloseChaosTest {
    private static final int CLOSE_SECONDS = 90;

    @Test
    @Timeout(1800)
    void closeReturnsAndNothingLeaksUnderKillsInEveryState() throws Exception {
        rounds(Integer.getInteger("jpool.test.closeChaosRounds", 12), Long.getLong("jpool.test.closeChaosSeed", 1L));
    }

    private static void rounds(int rounds, long seed) throws Exception {
        Random random = new Random(seed);
        for (int i = 0; i < rounds; i++) {
            round(new Random(random.nextLong()), i);
        }
    }

    /** SIGKILLs (from outside: the pool sent no kill) some workers at the steps of their life it sees. */
    static final class KillingHook implements LifecycleHook {
        final Random random;
        final Set<ProcessHandle> workers = ConcurrentHashMap.newKeySet();
        final Set<Step> killedAt = ConcurrentHashMap.newKeySet();

        KillingHook(Random random) {
            this.random = random;
        }

        @Override
        public void at(Step step, WorkerLink w) {
            if (w == null) {
                return;
            }
            workers.add(w.process.toHandle());
            boolean kill;
            synchronized (random) {
                kill = (step == Step.LAUNCHED || step == Step.WORKER_READY || step == Step.RETIRING)
                        && random.nextInt(100) < 12;
            }
            if (kill) {
                killedAt.add(step);
                w.process.toHandle().destroyForcibly();
            }
        }
    }

    private static void round(Random r, int round) throws Exception {
        ProcessPool.Builder b = ProcessPoolCloseHangTest.builder(1 + r.nextInt(3)).retries(3)
                .maxTasksPerWorker(2 + r.nextInt(3));
        if (r.nextBoolean()) {
            b.initializer(() -> { });
        }
        ProcessPoolImpl pool = ProcessPoolCloseHangTest.pool(b);
        KillingHook hook = new KillingHook(new Random(r.nextLong()));
        pool.lifecycleHook(hook);
        AtomicBoolean stop = new AtomicBoolean();
        Random killerRandom = new Random(r.nextLong());
        CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                // by handle, not pid: a handle kills only the process it was taken from
                List<ProcessHandle> alive = hook.workers.stream().filter(ProcessHandle::isAlive)
                        .collect(Collectors.toList());
                if (!alive.isEmpty()) {
                    alive.get(killerRandom.nextInt(alive.size())).destroyForcibly();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200 + killerRandom.nextInt(400)));
            }
        });
        int n = 20 + r.nextInt(40);
        int closeAt = r.nextInt(n);
        boolean stopOne = r.nextInt(4) == 0; // a stopped worker must be killed by close() after its grace
        List<PoolFuture<Integer>> futures = new ArrayList<>();
        Set<Integer> cancelled = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray ends = new AtomicIntegerArray(n);
        CompletableFuture<Void> closed = null;
        long closeStart = 0;
        try {
            for (int i = 0; i < n; i++) {
                if (i == closeAt && !stopOne) {
                    if (r.nextBoolean()) {
                        pool.prestart(); // starts racing the close
                    }
                    closeStart = System.nanoTime();
                    closed = CompletableFuture.runAsync(pool::close);
                }
                int v = i;
                int sleep = r.nextInt(20);
                PoolFuture<Integer> f;
                try {
                    f = pool.submit(() -> {
                        Thread.sleep(sleep);
                        return v;
                    });
                } catch (RejectedExecutionException e) {
                    break; // the close began
                }
                f.addDoneCallback(done -> ends.incrementAndGet(v));
                futures.add(f);
                if (r.nextInt(10) == 0) {
                    PoolFuture<Integer> victim = futures.get(r.nextInt(futures.size()));
                    if (victim.cancel(r.nextBoolean())) {
                        cancelled.add(futures.indexOf(victim));
                    }
                }
            }
            if (closed == null) {
                for (PoolFuture<Integer> f : futures) {
                    try {
                        f.exception(java.time.Duration.ofSeconds(CLOSE_SECONDS));
                    } catch (CancellationException e) {
                        // ended: cancelled by the test
                    }
                }
                stop.set(true);
                killer.get(30, TimeUnit.SECONDS);
                List<Long> pids = pool.workerPids();
                if (stopOne && !pids.isEmpty()) {
                    ProcessPoolCloseHangTest.signal("STOP", pids.get(0));
                }
                closeStart = System.nanoTime();
                closed = CompletableFuture.runAsync(pool::close);
            }
            closed.get(CLOSE_SECONDS, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            killer.get(30, TimeUnit.SECONDS);
        }
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart);
        int failed = 0;
        for (int i = 0; i < futures.size(); i++) {
            PoolFuture<Integer> f = futures.get(i);
            assertThat(f.isDone()).as("round %d: future %d done after close", round, i).isTrue();
            switch (f.status()) {
                case SUCCESS:
                    assertThat(f.resultNow()).isEqualTo(i);
                    break;
                case CANCELLED:
                    assertThat(cancelled).as("round %d: future %d cancelled only if the test did", round, i)
                            .contains(i);
                    break;
                case FAILED:
                    failed++;
                    assertThat(f.exceptionNow()).as("round %d: future %d", round, i)
                            .isInstanceOf(WorkerDiedException.class);
                    break;
                default:
                    throw new AssertionError("round " + round + ": future " + i + " ended " + f.status());
            }
        }
        // a callback runs once its future ended; give the last ones a moment (bounded) before counting
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < futures.size(); i++) {
            while (ends.get(i) == 0 && System.nanoTime() - deadline < 0) {
                Thread.yield();
            }
            assertThat(ends.get(i)).as("round %d: future %d ended exactly once", round, i).isEqualTo(1);
        }
        PoolStats s = pool.stats();
        assertThat(s.submitted()).isEqualTo(futures.size());
        assertThat(s.completed() + s.failed() + s.cancelled()).isEqualTo(futures.size());
        assertNothingLeft(pool, hook.workers);
        System.out.printf("close chaos round %d: %d tasks, %d failed, %d cancelled, kills at %s, close %d ms%s%n",
                round, futures.size(), failed, cancelled.size(), hook.killedAt, closeMillis,
                stopOne ? " (a worker stopped)" : "");
    }
}
