package io.jpool;

import java.io.Serializable;

/**
 * One value that lives in a {@link Manager}. Values travel by serialization, so
 * {@link #compareAndSet} compares with {@code equals}, not identity.
 */
public interface SharedValue<T> extends Serializable {
    T get();

    void set(T value);

    /** Sets {@code value} if the current value equals {@code expected}. */
    boolean compareAndSet(T expected, T value);

    /** Applies {@code fn} atomically on the manager; returns the new value. */
    T updateAndGet(SerializableFunction<? super T, ? extends T> fn);
}
