package io.jpool.hazelcast;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool's bound on tasks in flight (Hazelcast's executor queue is unbounded): at most
 * {@code max} slots are held at once, like a {@link java.util.concurrent.Semaphore}, but a
 * submitter that had to wait is woken only once the count has fallen to {@link #resumeAt} (a
 * quarter of the slots free), not at every release.
 *
 * <p>How it works: a slot is taken with a CAS on {@link #held} while nobody waits. A submitter
 * that finds all slots held registers in {@link #waiters} and waits on a condition; a release
 * that leaves the count at or below {@code resumeAt} while someone waits signals them all, and
 * each takes a slot. Why: a caller that submits far more tasks than the bound
 * otherwise sleeps and wakes once per finished task (a park, an unpark and a context switch per
 * task, which on a 2-CPU machine cost more than a tiny task); with the gap it wakes once per
 * quarter of the bound and submits that many in a row. While anyone waits, newcomers wait with
 * them for the same point, so a waiter is not starved by submitters that keep the count high.
 */
final class InFlightBound {
    private final int max;
    /** The count at or below which waiting submitters are woken. */
    final int resumeAt;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition belowResume = lock.newCondition();

    InFlightBound(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max in flight must be at least 1, got " + max);
        }
        this.max = max;
        this.resumeAt = max - Math.max(1, max / 4);
    }

    /** Takes a slot, waiting while all are held (and then until a quarter are free). */
    void acquire() throws InterruptedException {
        if (waiters.get() == 0 && tryTake()) {
            return;
        }
        waiters.incrementAndGet();
        try {
            lock.lockInterruptibly();
            try {
                do {
                    // Read after registering: a release that saw no waiter yet left the count low.
                    while (held.get() > resumeAt) {
                        belowResume.await();
                    }
                } while (!tryTake());
            } finally {
                lock.unlock();
            }
        } finally {
            waiters.decrementAndGet();
        }
    }

    private boolean tryTake() {
        for (int c = held.get(); c < max; c = held.get()) {
            if (held.compareAndSet(c, c + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives a slot back. */
    void release() {
        int c = held.decrementAndGet();
        if (c <= resumeAt && waiters.get() > 0) {
            lock.lock();
            try {
                belowResume.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Submitters waiting for a slot now. */
    int waiting() {
        return waiters.get();
    }

    /** Slots held now. */
    int held() {
        return held.get();
    }
}
