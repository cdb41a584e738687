package io.jpool.examples.cookbook;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threading ground under every pool: two threads incrementing one counter lose updates, and a
 * lock fixes it. Mirrors:
 *
 * <pre>{@code
 * counter = 0
 * def increment():
 *     global counter
 *     for _ in range(1_000_000):
 *         counter += 1          # read, add, write: not atomic
 *
 * threads = [threading.Thread(target=increment) for _ in range(2)]
 * ...
 * print("without a lock:", counter)
 *
 * lock = threading.Lock()
 * def safe_increment():
 *     global counter
 *     for _ in range(1_000_000):
 *         with lock:
 *             counter += 1
 * ...
 * print("with a lock:", counter)
 * }</pre>
 *
 * <p>Java has no GIL: both threads really run at once on two CPUs, so the race loses many updates
 * in a run, where CPython's GIL switches threads only now and then and often hides it. (On a
 * single free CPU the threads take turns and the race may show little or nothing.)
 * {@code AtomicLong} or {@code LongAdder} is the idiomatic fix for a counter; the lock is the
 * general one.
 */
public final class RaceAndLock {
    // volatile so that every increment really reads and writes memory; the race is in the
    // read-add-write, which volatile does not make atomic
    private static volatile long counter;
    private static final ReentrantLock LOCK = new ReentrantLock();

    public static void main(String[] args) throws Exception {
        run(System.out, 1_000_000);
    }

    /** Two threads add {@code perThread} each, without and then with a lock; returns {unlocked, locked}. */
    public static long[] run(PrintStream out, int perThread) throws InterruptedException {
        long expected = 2L * perThread;
        counter = 0;
        race(perThread, () -> counter++);
        long unlocked = counter;
        out.println("without a lock: " + unlocked + " (expected " + expected + ", lost " + (expected - unlocked) + ")");

        counter = 0;
        race(perThread, () -> {
            LOCK.lock();
            try {
                counter++;
            } finally {
                LOCK.unlock();
            }
        });
        long locked = counter;
        out.println("with a lock:    " + locked + " (expected " + expected + ")");
        return new long[] {unlocked, locked};
    }

    /** Runs {@code increment} perThread times on each of two threads released together. */
    private static void race(int perThread, Runnable increment) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    increment.run();
                }
            }, "incrementer-" + t);
            threads[t].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
    }

    private RaceAndLock() {
    }
}
