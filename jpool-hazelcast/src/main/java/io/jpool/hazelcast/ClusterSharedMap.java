package io.jpool.hazelcast;

import com.hazelcast.map.IMap;
import io.jpool.SerializableBiFunction;
import io.jpool.SharedMap;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** A {@link SharedMap} on the {@code IMap} {@code jpool.map.<name>}; merge and compute as entry processors. */
final class ClusterSharedMap<K, V> extends ClusterRef implements SharedMap<K, V> {
    private static final long serialVersionUID = 1L;

    ClusterSharedMap(String cluster, String name) {
        super(cluster, name);
    }

    private IMap<K, V> map() {
        return hz().getMap("jpool.map." + name);
    }

    @Override
    public V get(K key) {
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
    public V remove(K key) {
        return map().remove(key);
    }

    @Override
    public V replace(K key, V value) {
        return map().replace(key, value);
    }

    @Override
    public boolean containsKey(K key) {
        return map().containsKey(key);
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
    public int size() {
        return map().size();
    }

    @Override
    public void clear() {
        map().clear();
    }

    @Override
    public Map<K, V> snapshot() {
        return new HashMap<>(map());
    }
}
