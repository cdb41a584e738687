package io.jpool.hazelcast;

import com.hazelcast.map.IMap;
import io.jpool.SerializableFunction;
import io.jpool.SharedValue;

import java.util.Objects;

/** A {@link SharedValue}: key {@code <name>} of the {@code IMap} {@code jpool.values}; updates as entry processors. */
final class ClusterSharedValue<T> extends ClusterRef implements SharedValue<T> {
    private static final long serialVersionUID = 1L;

    ClusterSharedValue(String cluster, String name) {
        super(cluster, name);
    }

    private IMap<String, T> map() {
        return hz().getMap("jpool.values");
    }

    void initialize(T initial) {
        if (initial != null) {
            map().putIfAbsent(name, initial);
        }
    }

    @Override
    public T get() {
        return map().get(name);
    }

    @Override
    public void set(T value) {
        if (value == null) {
            map().delete(name);
        } else {
            map().set(name, value);
        }
    }

    @Override
    public boolean compareAndSet(T expected, T value) {
        return map().executeOnKey(name, new Processors.CompareAndSet<String, T>(expected, value, null));
    }

    @Override
    public T updateAndGet(SerializableFunction<? super T, ? extends T> fn) {
        Objects.requireNonNull(fn, "fn is null");
        return map().executeOnKey(name, new Processors.Update<String, T>(fn));
    }
}
