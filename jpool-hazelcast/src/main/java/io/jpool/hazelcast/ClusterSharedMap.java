package io.jpool.hazelcast;

import com.hazelcast.map.IMap;
import io.jpool.SerializableBiFunction;
import io.jpool.SerializableFunction;
import io.jpool.SharedMap;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A {@link SharedMap} on the {@code IMap} {@code jpool.map.<name>}; merge, compute and
 * computeIfAbsent with serializable functions run as entry processors on the key's owner, plain
 * functions through {@code ConcurrentMap}'s compare-and-set defaults in the caller. Views
 * ({@code entrySet}, {@code keySet}, {@code values}) are read-only snapshots, as the Manager's are.
 */
@SuppressWarnings("unchecked")
final class ClusterSharedMap<K, V> extends ClusterRef implements SharedMap<K, V> {
    private static final long serialVersionUID = 1L;

    ClusterSharedMap(String cluster, String name) {
        super(cluster, name);
    }

    private IMap<K, V> map() {
        return hz().getMap("jpool.map." + name);
    }

    @Override
    public V get(Object key) {
        return map().get(key);
    }

    @Override
    public V put(K key, V value) {
        return map().put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        return map().putIfAbsent(key, value);
    }

    @Override
    public V remove(Object key) {
        return map().remove(key);
    }

    @Override
    public boolean remove(Object key, Object value) {
        return map().remove(key, value);
    }

    @Override
    public V replace(K key, V value) {
        return map().replace(key, value);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        return map().replace(key, oldValue, newValue);
    }

    @Override
    public boolean containsKey(Object key) {
        return map().containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
        return map().containsValue(value);
    }

    @Override
    public V merge(K key, V value, SerializableBiFunction<? super V, ? super V, ? extends V> fn) {
        Objects.requireNonNull(value, "value is null: merge needs a value, as Map.merge does");
        Objects.requireNonNull(fn, "fn is null");
        return map().executeOnKey(key, new Processors.Merge<K, V>(value, fn));
    }

    @Override
    public V compute(K key, SerializableBiFunction<? super K, ? super V, ? extends V> fn) {
        Objects.requireNonNull(fn, "fn is null");
        return map().executeOnKey(key, new Processors.Compute<K, V>(fn));
    }

    @Override
    public V computeIfAbsent(K key, SerializableFunction<? super K, ? extends V> fn) {
        Objects.requireNonNull(fn, "fn is null");
        SerializableBiFunction<K, V, V> ifAbsent = (k, v) -> v != null ? v : fn.apply(k);
        return map().executeOnKey(key, new Processors.Compute<K, V>(ifAbsent));
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> fn) {
        return fn instanceof SerializableBiFunction
                ? merge(key, value, (SerializableBiFunction<? super V, ? super V, ? extends V>) fn)
                : SharedMap.super.merge(key, value, fn);
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> fn) {
        return fn instanceof SerializableBiFunction
                ? compute(key, (SerializableBiFunction<? super K, ? super V, ? extends V>) fn)
                : SharedMap.super.compute(key, fn);
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> fn) {
        return fn instanceof SerializableFunction
                ? computeIfAbsent(key, (SerializableFunction<? super K, ? extends V>) fn)
                : SharedMap.super.computeIfAbsent(key, fn);
    }

    @Override
    public int size() {
        return map().size();
    }

    @Override
    public boolean isEmpty() {
        return map().isEmpty();
    }

    @Override
    public void clear() {
        map().clear();
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        map().putAll(m);
    }

    @Override
    public Map<K, V> snapshot() {
        return new HashMap<>(map());
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return Collections.unmodifiableMap(snapshot()).entrySet();
    }

    @Override
    public Set<K> keySet() {
        return Collections.unmodifiableSet(snapshot().keySet());
    }

    @Override
    public Collection<V> values() {
        return Collections.unmodifiableCollection(snapshot().values());
    }

    @Override
    public String toString() {
        return "SharedMap " + name + " " + snapshot();
    }
}
