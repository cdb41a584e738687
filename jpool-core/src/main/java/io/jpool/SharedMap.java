package io.jpool;

import java.io.Serializable;
import java.util.Map;

/**
 * A map that lives in a {@link Manager} and is shared by every thread and worker process holding
 * this proxy. Each call is one atomic operation on the manager; keys and values travel by
 * serialization, so what you read is a copy (change it and {@link #put} it back). Like
 * {@link java.util.concurrent.ConcurrentMap}, it holds no null keys or values.
 */
public interface SharedMap<K, V> extends Serializable {
    /** The value for {@code key}, or null. */
    V get(K key);

    /** Maps {@code key} to {@code value}; returns the previous value or null. */
    V put(K key, V value);

    /** Puts only if absent; returns the current value (null if it was absent). */
    V putIfAbsent(K key, V value);

    /** Removes {@code key}; returns its value or null. */
    V remove(K key);

    /** Replaces the value of a present key; returns the previous value or null. */
    V replace(K key, V value);

    boolean containsKey(K key);

    /** {@link Map#merge}, with {@code fn} run atomically on the manager. */
    V merge(K key, V value, SerializableBiFunction<? super V, ? super V, ? extends V> fn);

    /** {@link Map#compute}, with {@code fn} run atomically on the manager. */
    V compute(K key, SerializableBiFunction<? super K, ? super V, ? extends V> fn);

    int size();

    /** Removes every entry. */
    void clear();

    /** A copy of the whole map, taken atomically. */
    Map<K, V> snapshot();
}
