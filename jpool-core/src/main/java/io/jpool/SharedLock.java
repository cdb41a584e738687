package io.jpool;

import java.io.Serializable;
import java.time.Duration;

/**
 * A reentrant mutual-exclusion lock that lives in a {@link Manager}. Its owner is the calling
 * thread of the calling process. If the process holding it dies, the lock is released (Python's
 * stays held forever).
 */
public interface SharedLock extends Serializable {
    void lock() throws InterruptedException;

    /** Takes the lock if it is free (or already held by this thread) within {@code timeout}. */
    boolean tryLock(Duration timeout) throws InterruptedException;

    /**
     * Releases one hold.
     *
     * @throws IllegalMonitorStateException if this thread does not hold the lock
     */
    void unlock();

    /** Whether any thread of any process holds it now. */
    boolean isLocked();
}
