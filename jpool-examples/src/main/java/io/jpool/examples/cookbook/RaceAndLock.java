package io.jpool.examples.cookbook;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
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

    /** Runs the race with 1,000,000 increments a thread, or as many as {@code args[0]} says. */
    public static void main(String[] args) throws Exception {
        run(System.out, args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000);
    }

    /** Two threads add {@code perThread} each, without and then with a lock; returns {unlocked, locked}. */
    public static long[] run(PrintStream out, int perThread) throws InterruptedException {
        long expected = 2L * perThread;
        counter = 0;
        race(perThread, RaceAndLock::addWithoutLock);
        long unlocked = counter;
        out.println("without a lock: " + unlocked + " (expected " + expected + ", lost " + (expected - unlocked) + ")");

        counter = 0;
        race(perThread, RaceAndLock::addWithLock);
        long locked = counter;
        out.println("with a lock:    " + locked + " (expected " + expected + ")");
        return new long[] {unlocked, locked};
    }

    // Each thread runs its whole loop in one call: a tight loop spends most of its time in the
    // read-add-write, which is where the other thread's update gets lost.
    private static void addWithoutLock(int times) {
        for (int i = 0; i < times; i++) {
            counter++;
        }
    }

    private static void addWithLock(int times) {
        for (int i = 0; i < times; i++) {
            LOCK.lock();
            try {
                counter++;
            } finally {
                LOCK.unlock();
            }
        }
    }

    /**
     * Runs {@code add} with perThread on each of two threads. Each spins until both run, so
     * they start on two CPUs at once, as Python's threads never can.
     */
    private static void race(int perThread, IntConsumer add) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                running.incrementAndGet();
                while (running.get() < threads.length) {
                    Thread.onSpinWait();
                }
                add.accept(perThread);
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
