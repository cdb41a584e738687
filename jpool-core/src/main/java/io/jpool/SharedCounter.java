package io.jpool;

import java.io.Serializable;

/** An {@link java.util.concurrent.atomic.AtomicLong}-like counter that lives in a {@link Manager}. */
public interface SharedCounter extends Serializable {
    long get();

    void set(long value);

    long incrementAndGet();

    long decrementAndGet();

    long addAndGet(long delta);

    boolean compareAndSet(long expected, long value);
}
