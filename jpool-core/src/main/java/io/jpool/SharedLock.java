package io.jpool;

import java.io.Serializable;
import java.time.Duration;

/**
 * A reentrant mutual-exclusion lock that lives in a {@link Manager}. Its owner is the calling
 * thread of the calling process. If the process holding it dies, the lock is released (Python's
 * stays held forever).
 */
public interface SharedLock extends Serializable {
    /** A hold on the lock that {@link #close()} releases: for try-with-resources. */
    interface Held extends AutoCloseable {
        /** Releases the hold taken by {@link SharedLock#acquire()}; a second call does nothing. */
        @Override
        void close();
    }

    void lock() throws InterruptedException;

    /** Takes the lock if it is free (or already held by this thread) within {@code timeout}. */
    boolean tryLock(Duration timeout) throws InterruptedException;

    /**
     * Releases one hold.
     *
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    void unlock();

    /**
     * Takes the lock, waiting as long as it takes, and returns the hold, for
     * {@code try (SharedLock.Held held = lock.acquire()) { ... }}. It declares no checked
     * exception, so it fits a {@link RunnableTask} lambda: interrupted while waiting, it throws
     * {@link IllegalStateException} (caused by the {@link InterruptedException}) with the thread's
     * interrupt flag set again, and holds nothing.
     */
    default Held acquire() {
        try {
            lock();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a SharedLock; the lock was not taken", e);
        }
        return new Held() {
            private boolean released;

            @Override
            public void close() {
                if (!released) {
                    released = true;
                    unlock();
                }
            }
        };
    }

    /** Whether any thread of any process holds it now. */
    boolean isLocked();
}
