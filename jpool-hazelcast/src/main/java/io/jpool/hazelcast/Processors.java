package io.jpool.hazelcast;

import com.hazelcast.map.EntryProcessor;
import io.jpool.SerializableBiFunction;
import io.jpool.SerializableFunction;

import java.util.Map;
import java.util.Objects;

/**
 * The entry processors behind counters, values, {@code merge} and {@code compute}: each runs on
 * the key's owner, one at a time per key, so a read-modify-write is atomic on the cluster.
 */
final class Processors {
    private Processors() {
    }

    /** Adds {@code delta} to a Long entry (absent = 0); returns the new value. */
    static final class Add implements EntryProcessor<String, Long, Long> {
        private static final long serialVersionUID = 1L;
        private final long delta;

        Add(long delta) {
            this.delta = delta;
        }

        @Override
        public Long process(Map.Entry<String, Long> e) {
            long v = (e.getValue() == null ? 0L : e.getValue()) + delta;
            e.setValue(v);
            return v;
        }
    }

    /** Sets an entry to {@code update} if it equals {@code expected} (absent = {@code absent}). */
    static final class CompareAndSet<K, V> implements EntryProcessor<K, V, Boolean> {
        private static final long serialVersionUID = 1L;
        private final V expected;
        private final V update;
        private final V absent;

        CompareAndSet(V expected, V update, V absent) {
            this.expected = expected;
            this.update = update;
            this.absent = absent;
        }

        @Override
        public Boolean process(Map.Entry<K, V> e) {
            V current = e.getValue() == null ? absent : e.getValue();
            if (!Objects.equals(current, expected)) {
                return false;
            }
            e.setValue(update);
            return true;
        }
    }

    /** Applies {@code fn} to the value; returns the new one. */
    static final class Update<K, V> implements EntryProcessor<K, V, V> {
        private static final long serialVersionUID = 1L;
        private final SerializableFunction<? super V, ? extends V> fn;

        Update(SerializableFunction<? super V, ? extends V> fn) {
            this.fn = fn;
        }

        @Override
        public V process(Map.Entry<K, V> e) {
            V v = fn.apply(e.getValue());
            e.setValue(v);
            return v;
        }
    }

    /** {@link Map#merge}: null from {@code fn} removes the entry. */
    static final class Merge<K, V> implements EntryProcessor<K, V, V> {
        private static final long serialVersionUID = 1L;
        private final V value;
        private final SerializableBiFunction<? super V, ? super V, ? extends V> fn;

        Merge(V value, SerializableBiFunction<? super V, ? super V, ? extends V> fn) {
            this.value = value;
            this.fn = fn;
        }

        @Override
        public V process(Map.Entry<K, V> e) {
            V old = e.getValue();
            V v = old == null ? value : fn.apply(old, value);
            e.setValue(v);
            return v;
        }
    }

    /** {@link Map#compute}: null from {@code fn} removes the entry. */
    static final class Compute<K, V> implements EntryProcessor<K, V, V> {
        private static final long serialVersionUID = 1L;
        private final SerializableBiFunction<? super K, ? super V, ? extends V> fn;

        Compute(SerializableBiFunction<? super K, ? super V, ? extends V> fn) {
            this.fn = fn;
        }

        @Override
        public V process(Map.Entry<K, V> e) {
            V v = fn.apply(e.getKey(), e.getValue());
            e.setValue(v);
            return v;
        }
    }
}
