package io.jpool.internal.manager;

import io.jpool.ManagerClosedException;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Base of the shared objects that make callers wait (queue, lock, event): one lock, one
 * condition signalled on every change, a closed flag that ends every wait.
 */
abstract class BlockingState implements SharedState {
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    private boolean closed;
    private int waiters; // guarded by lock

    /** Call with the lock held: fails once the manager is closed. */
    final void checkOpen() {
        if (closed) {
            throw new ManagerClosedException("the manager was closed while this call waited; shared objects work"
                    + " only while their Manager is open, so close it only after the tasks that use them");
        }
    }

    /**
     * Waits for a change, with the lock held. {@code deadline} is a System.nanoTime() value or
     * {@code Long.MIN_VALUE} for no limit; returns false once it has passed.
     */
    final boolean awaitChange(long deadline) throws InterruptedException {
        checkOpen();
        long left = deadline == Long.MIN_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        waiters++;
        try {
            if (deadline == Long.MIN_VALUE) {
                changed.await();
            } else {
                changed.awaitNanos(left);
            }
        } finally {
            waiters--;
        }
        checkOpen();
        return true;
    }

    /** How many callers wait for a change now (for tests that must act while one waits). */
    final int waiters() {
        lock.lock();
        try {
            return waiters;
        } finally {
            lock.unlock();
        }
    }

    static long deadline(Object timeoutNanos) {
        return timeoutNanos == null ? Long.MIN_VALUE : io.jpool.internal.util.Durations.deadlineAfterNanos((Long) timeoutNanos);
    }

    @Override
    public final void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
