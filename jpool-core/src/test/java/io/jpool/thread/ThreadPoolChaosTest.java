package io.jpool.thread;

import io.jpool.MapResult;
import io.jpool.PoolFuture;
import io.jpool.PoolFuture.Status;
import io.jpool.PoolStats;
import io.jpool.Task;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.jpool.thread.PoolTestSupport.assertNoThreadsLeft;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults in combination on a thread pool, as a hostile user makes them: each seeded round builds
 * a pool of a random shape (size, adaptive, virtual threads, bounded queue, time limit), lets
 * 1-3 threads submit tasks of every kind (no-op, short sleep, exception, {@link Error}, a wait on
 * an earlier task of the same pool, a loop that ignores interrupts, a submit of a child task to
 * the same pool and a wait for it) through every door (submit of
 * a Task, Callable or Runnable, execute, a timed submit, invokeAll, map), while another thread
 * cancels tasks at random, and ends it at a random moment with one of the four ways to stop.
 *
 * <p>Every round must end: the pool terminates within a bound; every future is done, in exactly
 * one state, its callback run once; no task ran twice, and a successful one returned its own
 * value; the counters add up; no worker thread is left. A failure names its seed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ThreadPoolChaosTest {
    private static final int KINDS = 8;

    @Test
    void shortChaos() throws Exception {
        run(0x5eed0000L, 10, 600);
    }

    @Tag("slow")
    @Test
    void longChaos() throws Exception {
        run(System.nanoTime(), 80, 2000);
    }

    private static void run(long baseSeed, int rounds, int tasksPerSubmitter) throws Exception {
        for (int round = 0; round < rounds; round++) {
            long seed = baseSeed + round;
            try {
                round(seed, tasksPerSubmitter, "chaos-" + Long.toHexString(seed));
            } catch (Throwable t) {
                throw new AssertionError("chaos round with seed 0x" + Long.toHexString(seed) + " failed: " + t, t);
            }
        }
    }

    /** One submission the round keeps track of. */
    private static final class Tracked {
        final int id;
        final int kind;
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger callbacks = new AtomicInteger();
        volatile PoolFuture<Integer> future; // null for execute()

        Tracked(int id, int kind) {
            this.id = id;
            this.kind = kind;
        }
    }

    private static void round(long seed, int tasksPerSubmitter, String prefix) throws Exception {
        Random shape = new Random(seed);
        int workers = 1 + shape.nextInt(6);
        ThreadPool.Builder b = ThreadPool.builder().threadNamePrefix(prefix);
        boolean adaptive = shape.nextInt(4) == 0;
        if (adaptive) {
            b.adaptive(1, workers + 4);
        } else {
            b.maxWorkers(workers);
        }
        boolean virtual = !adaptive && Runtime.version().feature() >= 21 && shape.nextInt(3) == 0; // adaptive needs platform threads
        b.virtualThreads(virtual);
        boolean bounded = shape.nextInt(3) == 0;
        if (bounded) {
            b.queueCapacity(1 + shape.nextInt(64));
        }
        if (shape.nextInt(5) == 0) {
            b.taskTimeout(Duration.ofMillis(20 + shape.nextInt(200)));
        }
        int submitters = 1 + shape.nextInt(3);
        int endAfter = shape.nextInt(submitters * tasksPerSubmitter + 1); // submissions before the stop
        int ending = shape.nextInt(4);

        ThreadPool pool = b.build();
        List<Tracked> all = new CopyOnWriteArrayList<>();
        AtomicInteger submitted = new AtomicInteger();
        AtomicInteger mapsDone = new AtomicInteger();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        CountDownLatch stopNow = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            Random rnd = new Random(seed * 31 + s);
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < tasksPerSubmitter; i++) {
                        if (!submitOne(pool, rnd, all, mapsDone)) {
                            return; // rejected: the pool is stopping
                        }
                        if (submitted.incrementAndGet() == endAfter) {
                            stopNow.countDown();
                        }
                    }
                } catch (Throwable t) {
                    unexpected.add(t);
                }
            }, prefix + "-submitter-" + s));
        }
        Random chaosRnd = new Random(seed * 17);
        Thread canceller = new Thread(() -> {
            while (stopNow.getCount() > 0 || chaosRnd.nextInt(50) != 0) {
                int n = all.size();
                if (n > 0) {
                    PoolFuture<Integer> f = all.get(chaosRnd.nextInt(n)).future;
                    if (f != null) {
                        if (chaosRnd.nextBoolean()) {
                            f.cancel();
                        } else {
                            f.cancel(true);
                        }
                    }
                }
                LockSupport.parkNanos(50_000 + chaosRnd.nextInt(500_000)); // pacing, not synchronisation
                if (threads.stream().noneMatch(Thread::isAlive) && stopNow.getCount() > 0) {
                    stopNow.countDown(); // every submitter finished before the chosen moment
                }
            }
        }, prefix + "-canceller");
        threads.forEach(Thread::start);
        canceller.start();
        assertThat(stopNow.await(5, TimeUnit.MINUTES)).as("the round reached its stop").isTrue();
        switch (ending) {
            case 0: pool.shutdown(true, false); break;
            case 1: pool.shutdown(false, true); break;
            case 2: pool.shutdownNow(); break;
            default: pool.close(); break;
        }
        assertThat(pool.awaitTermination(2, TimeUnit.MINUTES))
                .as("terminated (workers %d, adaptive %s, virtual %s, bounded %s, ending %d; stats %s)",
                        workers, adaptive, virtual, bounded, ending, pool.stats()).isTrue();
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(t.isAlive()).as("submitter %s still blocked after termination", t.getName()).isFalse();
        }
        canceller.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(unexpected).as("submitters' unexpected exceptions").isEmpty();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Tracked t : all) {
            assertThat(t.runs.get()).as("task %d (kind %d) ran more than once", t.id, t.kind).isLessThanOrEqualTo(1);
            PoolFuture<Integer> f = t.future;
            if (f == null) {
                continue;
            }
            assertThat(f.isDone()).as("task %d (kind %d) not done after termination: %s", t.id, t.kind, f.status()).isTrue();
            while (t.callbacks.get() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // a timer or canceller thread may still be inside the callback run
            }
            assertThat(t.callbacks.get()).as("callbacks of task %d (%s)", t.id, f.status()).isEqualTo(1);
            if (f.status() == Status.SUCCESS) {
                assertThat(t.runs.get()).as("successful task %d ran once", t.id).isEqualTo(1);
                assertThat(f.resultNow()).isEqualTo(t.id);
            } else {
                assertThat(f.status()).isIn(Status.FAILED, Status.CANCELLED);
            }
        }
        PoolStats st = pool.stats();
        assertThat(st.completed() + st.failed() + st.cancelled()).as("stats add up: %s", st).isEqualTo(st.submitted());
        long successes = all.stream().filter(t -> t.future != null && t.future.status() == Status.SUCCESS).count();
        assertThat(st.completed()).as("stats count every success: %s", st).isGreaterThanOrEqualTo(successes);
        if (!virtual) {
            assertNoThreadsLeft(prefix + "-");
        }
    }

    /** Submits one random task through a random door; false once the pool rejects it. */
    private static boolean submitOne(ThreadPool pool, Random rnd, List<Tracked> all, AtomicInteger mapsDone)
            throws InterruptedException {
        int id = all.size();
        Tracked t = new Tracked(id, rnd.nextInt(KINDS));
        Callable<Integer> body = body(pool, t, all, rnd.nextInt(Integer.MAX_VALUE));
        try {
            switch (rnd.nextInt(8)) {
                case 0: t.future = pool.submit((Task<Integer>) body::call); break;
                case 1: t.future = pool.submit(body); break;
                case 2: {
                    PoolFuture<?> f = pool.submit((Runnable) () -> {
                        try {
                            body.call();
                        } catch (RuntimeException | Error e) {
                            throw e;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    // the Runnable's value is null: track its runs only, through a future of our own
                    f.addDoneCallback(x -> t.callbacks.incrementAndGet());
                    all.add(t);
                    return true;
                }
                case 3: {
                    Tracked quiet = new Tracked(id, 0); // execute: what it throws goes to a handler, so a no-op
                    pool.execute(() -> quiet.runs.incrementAndGet());
                    all.add(quiet);
                    return true;
                }
                case 4: t.future = pool.submit((Task<Integer>) body::call, Duration.ofMillis(5 + rnd.nextInt(100))); break;
                case 5: {
                    List<Future<Integer>> fs = pool.invokeAll(List.of(body));
                    t.future = (PoolFuture<Integer>) fs.get(0);
                    break;
                }
                case 6: {
                    int n = 1 + rnd.nextInt(20);
                    List<Integer> in = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        in.add(i);
                    }
                    try (MapResult<Integer> r = pool.map((Integer x) -> x * 2, in)) {
                        int k = 0;
                        for (int v : r) {
                            assertThat(v).isEqualTo(2 * k++);
                        }
                        mapsDone.incrementAndGet();
                    } catch (java.util.concurrent.CancellationException | io.jpool.TaskFailedException e) {
                        // the pool stopped under the map: its items were cancelled or failed
                    }
                    all.add(new Tracked(id, 0));
                    return true;
                }
                default: t.future = pool.submit((Task<Integer>) body::call); break;
            }
        } catch (RejectedExecutionException e) {
            return false;
        }
        PoolFuture<Integer> f = t.future;
        f.addDoneCallback(x -> t.callbacks.incrementAndGet());
        all.add(t);
        return true;
    }

    /** The code of a task of kind {@code t.kind}; its value is its id. */
    private static Callable<Integer> body(ThreadPool pool, Tracked t, List<Tracked> all, int r) {
        return () -> {
            t.runs.incrementAndGet();
            switch (t.kind) {
                case 1:
                    Thread.sleep(r % 3);
                    break;
                case 2:
                    throw new IllegalStateException("task " + t.id + " fails");
                case 3:
                    throw new AssertionError("task " + t.id + " throws an Error");
                case 4: {
                    // wait on an earlier task of the same pool: a DAG, so no cycle; inline help if pending
                    int n = Math.min(t.id, all.size());
                    if (n > 0) {
                        PoolFuture<Integer> other = all.get(r % n).future;
                        if (other != null) {
                            try {
                                other.get(30, TimeUnit.SECONDS);
                            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                                // its failure is not this task's
                            }
                        }
                    }
                    break;
                }
                case 5: {
                    long until = System.nanoTime() + 500_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // ignores interrupts, as hostile code does
                    }
                    break;
                }
                case 6:
                    Thread.yield();
                    break;
                case 7:
                    // a task that submits a task to its own pool and waits for it (a full bounded
                    // queue must not deadlock the pool); rejected once the pool is stopping
                    pool.submit(() -> r).get(30, TimeUnit.SECONDS);
                    break;
                default:
                    break;
            }
            return t.id;
        };
    }
}
