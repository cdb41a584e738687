package io.jpool.examples.cookbook;

import io.jpool.DeadlockWatchdog;
import io.jpool.PoolFuture;
import io.jpool.ProcessPool;
import io.jpool.ThreadPool;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two tasks that take two locks in opposite orders deadlock: each holds one and waits forever for
 * the other. A pool whose workers deadlock stops making progress without failing, so the program
 * shows how to see it and get out of it: a {@link DeadlockWatchdog} reports the stuck threads
 * with their stacks, {@code cancel(true)} interrupts one of them, and taking the locks in one
 * order prevents it. Mirrors:
 *
 * <pre>{@code
 * a, b = threading.Lock(), threading.Lock()
 * def one():
 *     with a:
 *         time.sleep(0.1)
 *         with b: return "one done"
 * def two():
 *     with b:
 *         time.sleep(0.1)
 *         with a: return "two done"
 *
 * faulthandler.dump_traceback_later(5)     # dump every thread's stack if still stuck in 5 s
 * with ThreadPoolExecutor(max_workers=2) as executor:
 *     f1, f2 = executor.submit(one), executor.submit(two)
 *     wait([f1, f2], timeout=10)             # never completes: Python cannot break it
 * }</pre>
 *
 * <p>The tasks wait with {@code lockInterruptibly()}, so an interrupt frees them; a thread stuck
 * in {@code synchronized} or in {@code lock()} cannot be freed, and only a {@code ProcessPool}
 * with a time limit (which kills the worker) gets such a task out: the program ends with that.
 */
public final class DeadlockOfTwoLocks {

    public static void main(String[] args) throws Exception {
        run(System.out, Duration.ofSeconds(1), Duration.ofSeconds(3));
    }

    /**
     * Runs the program; the watchdog looks every {@code period}, and the task that deadlocks in a
     * worker process is killed {@code taskTimeout} after it starts.
     */
    public static void run(PrintStream out, Duration period, Duration taskTimeout) throws Exception {
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        CompletableFuture<String> reported = new CompletableFuture<>();
        DeadlockWatchdog watchdog = DeadlockWatchdog.start(period, reported::complete);
        try (ThreadPool executor = ThreadPool.builder().maxWorkers(2).threadNamePrefix("locker").build()) {
            // the latch makes the deadlock certain: each takes its second lock only once both hold their first
            CountDownLatch bothHoldOne = new CountDownLatch(2);
            PoolFuture<String> one = executor.submit(() -> lockBoth("one", a, b, bothHoldOne));
            PoolFuture<String> two = executor.submit(() -> lockBoth("two", b, a, bothHoldOne));

            String report = reported.get(60, TimeUnit.SECONDS);
            out.println("the watchdog found a deadlock; its report, abridged:");
            // the JDK's and the pool's own frames left out: what matters is where each task waits
            report.lines().filter(l -> !l.contains("at java.base") && !l.contains("io.jpool.internal") && !l.contains("$$Lambda"))
                    .forEach(l -> out.println("  " + l));
            out.println("one is " + one.status() + ", two is " + two.status() + ": the pool makes no progress");

            one.cancel(true); // interrupts one's worker: it leaves lockInterruptibly and releases a
            out.println("after one.cancel(true): two returned \"" + two.get(60, TimeUnit.SECONDS)
                    + "\", one is " + one.status());

            // The fix: every task takes the locks in the same order, so no cycle can form.
            PoolFuture<String> three = executor.submit(() -> lockBoth("three", a, b, null));
            PoolFuture<String> four = executor.submit(() -> lockBoth("four", a, b, null));
            out.println("same lock order: \"" + three.get(60, TimeUnit.SECONDS) + "\", \""
                    + four.get(60, TimeUnit.SECONDS) + "\"");
        } finally {
            watchdog.close();
        }

        // A deadlock on synchronized cannot be interrupted: no thread pool gets its workers back.
        // In a ProcessPool the task's time limit kills its worker JVM, and the pool goes on.
        try (ProcessPool pool = ProcessPool.create(1)) {
            PoolFuture<String> stuck = pool.submit(DeadlockOfTwoLocks::deadlockOnMonitors, taskTimeout);
            try {
                out.println("unexpected: " + stuck.get());
            } catch (ExecutionException e) {
                out.println("deadlocked on synchronized in a worker: " + e.getCause().getClass().getSimpleName()
                        + " after " + taskTimeout.toMillis() + " ms, its worker killed");
            }
            out.println("the pool goes on: " + pool.submit(() -> "next task done").get());
        }
    }

    /** Runs in a worker: two threads that deadlock on two monitors; waits for them forever. */
    static String deadlockOnMonitors() throws InterruptedException {
        Object a = new Object();
        Object b = new Object();
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        Thread one = new Thread(() -> synchronizedBoth(a, b, bothHoldOne));
        Thread two = new Thread(() -> synchronizedBoth(b, a, bothHoldOne));
        one.start();
        two.start();
        one.join();
        return "never";
    }

    private static void synchronizedBoth(Object first, Object second, CountDownLatch bothHoldOne) {
        synchronized (first) {
            bothHoldOne.countDown();
            try {
                bothHoldOne.await();
            } catch (InterruptedException e) {
                return;
            }
            synchronized (second) {
                bothHoldOne.countDown();
            }
        }
    }

    static String lockBoth(String name, ReentrantLock first, ReentrantLock second, CountDownLatch bothHoldOne)
            throws InterruptedException {
        first.lockInterruptibly();
        try {
            if (bothHoldOne != null) {
                bothHoldOne.countDown();
                bothHoldOne.await();
            }
            second.lockInterruptibly();
            try {
                return name + " done";
            } finally {
                second.unlock();
            }
        } finally {
            first.unlock();
        }
    }

    private DeadlockOfTwoLocks() {
    }
}
