package io.jpool;

import java.io.Serializable;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A map that lives in a {@link Manager} and is shared by every thread and worker process holding
 * this proxy: Python's {@code Manager().dict()}, usable as a {@link ConcurrentMap}. Each call is
 * one atomic operation on the manager; keys and values travel by serialization, so what you read
 * is a copy (change it and {@link #put} it back). Like {@link java.util.concurrent.ConcurrentHashMap},
 * it holds no null keys or values.
 *
 * <p>{@link #merge}, {@link #compute} and {@link #computeIfAbsent} given a serializable function
 * (a lambda or method reference written where a {@link SerializableBiFunction} or
 * {@link SerializableFunction} is expected, as {@code map.merge("a", 1, Integer::sum)} is) run it
 * atomically on the manager. Given a plain {@link BiFunction} or {@link Function} (code written
 * against {@code ConcurrentMap}), they run it in the caller and apply the result with
 * compare-and-set calls, retrying on a race, as {@link ConcurrentMap}'s defaults do.
 *
 * <p>{@link #entrySet()}, {@link #keySet()} and {@link #values()} are read-only views of a
 * {@link #snapshot()} taken when called: iterating them costs one call and sees no later change.
 * {@code toString()} shows the current contents, as Python's proxy's {@code str} does;
 * {@code equals} and {@code hashCode} are the proxy's own (as in Python), not the contents'.
 */
public interface SharedMap<K, V> extends ConcurrentMap<K, V>, Serializable {
    /** The value for {@code key}, or null. */
    @Override
    V get(Object key);

    /** Maps {@code key} to {@code value}; returns the previous value or null. */
    @Override
    V put(K key, V value);

    /** Puts only if absent; returns the current value (null if it was absent). */
    @Override
    V putIfAbsent(K key, V value);

    /** Removes {@code key}; returns its value or null. */
    @Override
    V remove(Object key);

    /** Replaces the value of a present key; returns the previous value or null. */
    @Override
    V replace(K key, V value);

    @Override
    boolean containsKey(Object key);

    /** {@link Map#merge}, with {@code fn} run atomically on the manager. */
    V merge(K key, V value, SerializableBiFunction<? super V, ? super V, ? extends V> fn);

    /** {@link Map#compute}, with {@code fn} run atomically on the manager. */
    V compute(K key, SerializableBiFunction<? super K, ? super V, ? extends V> fn);

    /** {@link Map#computeIfAbsent}, with {@code fn} run atomically on the manager if the key is absent. */
    V computeIfAbsent(K key, SerializableFunction<? super K, ? extends V> fn);

    @Override
    int size();

    /** Removes every entry. */
    @Override
    void clear();

    /** A copy of the whole map, taken atomically. */
    Map<K, V> snapshot();

    /** The entries of a {@link #snapshot()} taken now (read-only). */
    @Override
    Set<Map.Entry<K, V>> entrySet();

    /** The keys of a {@link #snapshot()} taken now (read-only). */
    @Override
    Set<K> keySet();

    /** The values of a {@link #snapshot()} taken now (read-only). */
    @Override
    Collection<V> values();
}
