package io.jpool.internal.process;

import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.ProcessPool;
import io.jpool.Task;
import io.jpool.internal.process.LifecycleHook.Step;
import io.jpool.internal.HomeOnly;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
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
 * Faults in combination, each round seeded: while tasks run, Errors are thrown at random steps
 * of the workers' lives (as a JVM starts, before its link exists, while frames are written, as
 * it is counted out...), workers are SIGKILLed as they launch and are put to work, and a killer
 * thread SIGKILLs or SIGSTOPs live workers; the tasks themselves call System.exit, return
 * results of megabytes, return a value whose readObject throws an Error in the caller, throw,
 * or sleep past their time limit; done-callbacks throw Errors; the test cancels at random; and
 * the pool is closed at a random moment by {@code close()}, {@code shutdown(false, true)} or
 * {@code shutdownNow()}. Each round checks: every future ended in one state its task allows,
 * its callback ran once, the pool terminated within a bound, the stats add up, and no JVM
 * (even one started but never linked), thread or directory is left.
 *
 * <p>{@code -Djpool.test.comboChaosRounds=N -Djpool.test.comboChaosSeed=S} run other rounds;
 * the untagged test runs two short rounds, the slow one many.
 */
class ProcessPoolCombinedChaosTest {
    /**
     * The test's own driver threads (killer, canceller, closer): on 2 CPUs the common pool has one
     * active worker, which a driver's loop would hold while the next driver's job waits for ever.
     */
    private static final java.util.concurrent.ExecutorService DRIVERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-driver");
        t.setDaemon(true);
        return t;
    });

    /** How long the pool may take to terminate: task limits and the exit grace, on a loaded machine. */
    private static final int TERMINATE_SECONDS = 120;
    /** Every task's limit: a worker stopped (SIGSTOP) while it runs one is killed by it. */
    private static final Duration TASK_LIMIT = Duration.ofSeconds(6);

    @Test
    @Timeout(300)
    void aFewRoundsOfCombinedFaults() throws Exception {
        rounds(2, Long.getLong("jpool.test.comboChaosSeed", 7L), 30);
    }

    @Test
    @Tag("slow")
    @Timeout(3600)
    void manyRoundsOfCombinedFaults() throws Exception {
        rounds(Integer.getInteger("jpool.test.comboChaosRounds", 20), Long.getLong("jpool.test.comboChaosSeed", 11L), 80);
    }

    /**
     * A map whose function throws Errors for some items while a killer SIGKILLs workers:
     * iteration reaches every index once, in order, each a right value or a TaskFailedException
     * naming that index, and nothing hangs or is left. (An Error fails its whole chunk today:
     * MapChunk catches Exceptions per item, not Errors; so only the index is checked.)
     */
    @Test
    @Timeout(300)
    void aMapWhoseFunctionThrowsErrorsWhileWorkersAreKilled() throws Exception {
        Random r = new Random(Long.getLong("jpool.test.comboChaosSeed", 7L));
        ProcessPoolImpl pool = ProcessPoolCloseHangTest.pool(ProcessPoolCloseHangTest.builder(2).retries(2));
        ChaosHook hook = new ChaosHook(new Random(r.nextLong()), 0);
        pool.lifecycleHook(hook);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
            Random k = new Random(7);
            while (!stop.get()) {
                List<ProcessHandle> alive = hook.workers.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList());
                if (!alive.isEmpty()) {
                    alive.get(k.nextInt(alive.size())).destroyForcibly();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(400 + k.nextInt(400)));
            }
        }, DRIVERS);
        int n = 3000;
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(i);
        }
        int ok = 0;
        int failed = 0;
        try (io.jpool.MapResult<Integer> results = pool.map((Integer x) -> {
            if (x % 97 == 0) {
                throw new StackOverflowError("item " + x);
            }
            if (x % 211 == 0) {
                throw new OutOfMemoryError("item " + x);
            }
            return x * 2;
        }, items, io.jpool.MapOptions.defaults().chunksize(1 + r.nextInt(20)))) {
            java.util.Iterator<Integer> it = results.iterator();
            for (int i = 0; i < n; i++) {
                try {
                    assertThat(it.next()).as("item %d", i).isEqualTo(i * 2);
                    assertThat(i % 97 != 0 && i % 211 != 0).as("item %d succeeded", i).isTrue();
                    ok++;
                } catch (io.jpool.TaskFailedException e) {
                    assertThat(e.getMessage()).as("the failure names its item").contains(Integer.toString(i));
                    failed++;
                }
            }
            assertThat(it.hasNext()).isFalse();
        } finally {
            stop.set(true);
            killer.get(30, TimeUnit.SECONDS);
        }
        assertThat(ProcessPoolCloseHangTest.closeWithin(pool, TERMINATE_SECONDS)).isNull();
        assertNothingLeft(pool, hook.workers);
        System.out.printf("map chaos: %d ok, %d failed, %d workers%n", ok, failed, hook.workers.size());
    }

    private static void rounds(int rounds, long seed, int maxTasks) throws Exception {
        Long one = Long.getLong("jpool.test.comboChaosRoundSeed");
        if (one != null) { // replays one round, as a failure names it
            for (int i = 0; i < rounds; i++) {
                round(new Random(one), maxTasks);
            }
            return;
        }
        Random random = new Random(seed);
        for (int i = 0; i < rounds; i++) {
            long roundSeed = random.nextLong();
            try {
                round(new Random(roundSeed), maxTasks);
            } catch (Throwable e) {
                throw new AssertionError("round " + i + " (seed " + roundSeed + ") failed: " + e, e);
            }
        }
    }

    /** What a task does. */
    enum Kind { VALUE, SLEEP, EXIT, LARGE, THROW, UNREADABLE, OVERTIME }

    /** Throws Errors at random steps and SIGKILLs workers at some; records every worker it saw. */
    static final class ChaosHook implements LifecycleHook {
        final Random random;
        final Set<ProcessHandle> workers = ConcurrentHashMap.newKeySet();
        final Set<String> done = ConcurrentHashMap.newKeySet();
        final int errorPercent;

        ChaosHook(Random random, int errorPercent) {
            this.random = random;
            this.errorPercent = errorPercent;
        }

        @Override
        public void at(Step step, WorkerLink w) {
            if (w != null) {
                workers.add(w.process.toHandle());
            }
            int dice;
            synchronized (random) {
                dice = random.nextInt(100);
            }
            if (dice < errorPercent) {
                done.add("error@" + step);
                throw dice % 2 == 0 ? new OutOfMemoryError("injected at " + step)
                        : new StackOverflowError("injected at " + step);
            }
            if (w != null && dice < errorPercent + 8
                    && (step == Step.LAUNCHED || step == Step.WORKER_READY || step == Step.SENDING)) {
                done.add("kill@" + step);
                w.process.toHandle().destroyForcibly();
            }
        }
    }

    private static Task<Object> task(Kind kind, int v) {
        switch (kind) {
            case SLEEP:
                return () -> {
                    Thread.sleep(v % 40);
                    return v;
                };
            case EXIT:
                return () -> {
                    System.exit(3);
                    return v;
                };
            case LARGE:
                return () -> new byte[(1 + v % 3) << 20];
            case THROW:
                return () -> {
                    throw new IllegalStateException("task " + v + " failed on purpose");
                };
            case UNREADABLE:
                return HomeOnly::new;
            case OVERTIME:
                return () -> {
                    Thread.sleep(60_000);
                    return v;
                };
            default:
                return () -> v;
        }
    }

    private static Kind kindOf(Random r) {
        int d = r.nextInt(100);
        return d < 45 ? Kind.VALUE : d < 65 ? Kind.SLEEP : d < 70 ? Kind.EXIT : d < 78 ? Kind.LARGE
                : d < 86 ? Kind.THROW : d < 92 ? Kind.UNREADABLE : Kind.OVERTIME;
    }

    private static void round(Random r, int maxTasks) throws Exception {
        String marker = UUID.randomUUID().toString();
        ProcessPool.Builder b = ProcessPoolCloseHangTest.builder(1 + r.nextInt(3)).retries(r.nextInt(3))
                .environment(Map.of("JPOOL_TEST_MARK", marker));
        if (r.nextBoolean()) {
            b.maxTasksPerWorker(2 + r.nextInt(6));
        }
        if (r.nextInt(3) == 0) {
            b.initializer(() -> { });
        }
        ProcessPoolImpl pool = ProcessPoolCloseHangTest.pool(b);
        ChaosHook hook = new ChaosHook(new Random(r.nextLong()), 1 + r.nextInt(4));
        pool.lifecycleHook(hook);
        AtomicBoolean stop = new AtomicBoolean();
        Random killerRandom = new Random(r.nextLong());
        CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                List<ProcessHandle> alive = hook.workers.stream().filter(ProcessHandle::isAlive)
                        .collect(Collectors.toList());
                if (!alive.isEmpty()) {
                    ProcessHandle victim = alive.get(killerRandom.nextInt(alive.size()));
                    if (killerRandom.nextInt(5) == 0) {
                        stopProcess(victim); // its task's limit, or the exit grace, ends it
                    } else {
                        victim.destroyForcibly();
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300 + killerRandom.nextInt(700)));
            }
        }, DRIVERS);
        int n = 10 + r.nextInt(maxTasks);
        int closeAt = n / 3 + r.nextInt(n - n / 3 + 1); // most tasks are in before the close begins
        int closeMode = r.nextInt(3);
        List<PoolFuture<Object>> futures = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        Set<Integer> cancelledByTest = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray callbacks = new AtomicIntegerArray(n);
        CompletableFuture<Throwable> closed = null;
        long closeStart = 0;
        try {
            for (int i = 0; i <= n; i++) {
                if (i == closeAt) {
                    awaitSomeDone(futures, r.nextInt(i + 1)); // the close finds tasks run, running and queued
                    closeStart = System.nanoTime();
                    closed = closeAsync(pool, closeMode);
                }
                if (i == n) {
                    break;
                }
                Kind kind = kindOf(r);
                Duration limit = kind == Kind.OVERTIME ? Duration.ofMillis(300 + r.nextInt(700)) : TASK_LIMIT;
                PoolFuture<Object> f;
                try {
                    f = pool.submit(task(kind, i), limit);
                } catch (RejectedExecutionException e) {
                    break; // the close began
                }
                int v = i;
                boolean throwing = r.nextInt(6) == 0;
                f.addDoneCallback(done -> {
                    callbacks.incrementAndGet(v);
                    if (throwing) {
                        throw new OutOfMemoryError("injected in the done-callback of task " + v);
                    }
                });
                futures.add(f);
                kinds.add(kind);
                if (r.nextInt(8) == 0) {
                    int victim = r.nextInt(futures.size());
                    if (futures.get(victim).cancel(r.nextBoolean())) {
                        cancelledByTest.add(victim);
                    }
                }
            }
            if (closed == null) {
                closeStart = System.nanoTime();
                closed = closeAsync(pool, closeMode);
            }
            Throwable closeError;
            try {
                closeError = closed.get(TERMINATE_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("close did not return: " + pool + " " + diagnostics(pool), e);
            }
            if (closeError != null) {
                assertThat(closeError).as("only an Error injected on the closing thread").hasMessageContaining("injected at");
            }
            assertThat(pool.awaitTermination(TERMINATE_SECONDS, TimeUnit.SECONDS)).as("terminated").isTrue();
        } finally {
            stop.set(true);
            killer.get(30, TimeUnit.SECONDS);
        }
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart);
        int[] byStatus = new int[4];
        for (int i = 0; i < futures.size(); i++) {
            PoolFuture<Object> f = futures.get(i);
            Kind kind = kinds.get(i);
            assertThat(f.isDone()).as("future %d (%s) done once the pool terminated", i, kind).isTrue();
            switch (f.status()) {
                case SUCCESS:
                    byStatus[0]++;
                    if (kind == Kind.LARGE) {
                        assertThat(((byte[]) f.resultNow()).length).isEqualTo((1 + i % 3) << 20);
                    } else {
                        assertThat(kind).as("future %d succeeded", i).isIn(Kind.VALUE, Kind.SLEEP);
                        assertThat(f.resultNow()).isEqualTo(i);
                    }
                    break;
                case FAILED:
                    byStatus[1]++;
                    assertThat(f.exceptionNow()).as("future %d (%s)", i, kind).isNotNull();
                    break;
                case CANCELLED:
                    byStatus[2]++;
                    break;
                default:
                    throw new AssertionError("future " + i + " ended " + f.status());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < futures.size(); i++) {
            while (callbacks.get(i) == 0 && System.nanoTime() - deadline < 0) {
                Thread.yield();
            }
            assertThat(callbacks.get(i)).as("the callback of future %d ran exactly once", i).isEqualTo(1);
        }
        PoolStats s = pool.stats();
        assertThat(s.submitted()).isEqualTo(futures.size());
        assertThat(s.completed() + s.failed() + s.cancelled()).isEqualTo(futures.size());
        assertNothingLeft(pool, hook.workers);
        assertThat(ProcessPoolFaultPathsTest.survivorsOf(marker)).as("JVMs the pool started still alive").isEmpty();
        System.out.printf("combined chaos: %d tasks (%d ok, %d failed, %d cancelled), close mode %d in %d ms, %s%n",
                futures.size(), byStatus[0], byStatus[1], byStatus[2], closeMode, closeMillis, hook.done);
    }

    /** The pool's workers and the stacks of its threads and the timer's, for a close that hangs. */
    private static String diagnostics(ProcessPoolImpl pool) {
        StringBuilder b = new StringBuilder("\nworkers: ");
        b.append(pool.workerStates()).append('\n');
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith(pool.poolName()) || t.getName().startsWith("jpool-timer")
                    || t.getName().startsWith("ForkJoinPool")) {
                b.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (StackTraceElement e : stack) {
                    b.append("    at ").append(e).append('\n');
                }
            }
        });
        return b.toString();
    }

    /** Waits (30 s at most: faults may fail them all slowly) until {@code count} of the futures are done. */
    private static void awaitSomeDone(List<PoolFuture<Object>> futures, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (futures.stream().filter(PoolFuture::isDone).count() < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling a condition, not timing
        }
    }

    /** Closes on another thread in one of three ways; completes with what it threw, or null. */
    private static CompletableFuture<Throwable> closeAsync(ProcessPoolImpl pool, int mode) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                switch (mode) {
                    case 0:
                        pool.close();
                        break;
                    case 1:
                        pool.shutdown(false, true);
                        break;
                    default:
                        pool.shutdownNow();
                        break;
                }
                return null;
            } catch (Throwable e) {
                return e;
            }
        }, DRIVERS);
    }

    private static void stopProcess(ProcessHandle h) {
        try {
            new ProcessBuilder("kill", "-STOP", Long.toString(h.pid())).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
