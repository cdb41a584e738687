package io.jpool.internal.manager;

import io.jpool.SerializableBiFunction;
import io.jpool.SerializableFunction;
import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.SharedList;
import io.jpool.SharedLock;
import io.jpool.SharedMap;
import io.jpool.SharedQueue;
import io.jpool.SharedValue;
import io.jpool.internal.manager.Op.CounterOp;
import io.jpool.internal.manager.Op.EventOp;
import io.jpool.internal.manager.Op.ListOp;
import io.jpool.internal.manager.Op.LockOp;
import io.jpool.internal.manager.Op.MapOp;
import io.jpool.internal.manager.Op.QueueOp;
import io.jpool.internal.manager.Op.ValueOp;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The proxy of each shared-object type: every method is one call to the manager. */
final class Proxies {
    private Proxies() {
    }

    static long nanos(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("timeout is null (use the method without a timeout to wait forever)");
        }
        return io.jpool.internal.util.Durations.waitNanos(timeout);
    }

    @SuppressWarnings("unchecked")
    static final class MapProxy<K, V> extends SharedProxy implements SharedMap<K, V> {
        private static final long serialVersionUID = 1L;

        MapProxy(ManagerRef ref, String name) {
            super(ref, Kind.MAP, name);
        }

        @Override public V get(Object key) { return (V) call(MapOp.GET, key); }
        @Override public V put(K key, V value) { return (V) call(MapOp.PUT, key, value); }
        @Override public V putIfAbsent(K key, V value) { return (V) call(MapOp.PUT_IF_ABSENT, key, value); }
        @Override public V remove(Object key) { return (V) call(MapOp.REMOVE, key); }
        @Override public boolean remove(Object key, Object value) { return (Boolean) call(MapOp.REMOVE_IF_EQUALS, key, value); }
        @Override public V replace(K key, V value) { return (V) call(MapOp.REPLACE, key, value); }
        @Override public boolean replace(K key, V oldValue, V newValue) {
            return (Boolean) call(MapOp.REPLACE_IF_EQUALS, key, oldValue, newValue);
        }
        @Override public boolean containsKey(Object key) { return (Boolean) call(MapOp.CONTAINS_KEY, key); }
        @Override public boolean containsValue(Object value) { return (Boolean) call(MapOp.CONTAINS_VALUE, value); }
        @Override public V merge(K key, V value, SerializableBiFunction<? super V, ? super V, ? extends V> fn) {
            return (V) call(MapOp.MERGE, key, value, java.util.Objects.requireNonNull(fn, "merge function is null"));
        }
        @Override public V compute(K key, SerializableBiFunction<? super K, ? super V, ? extends V> fn) {
            return (V) call(MapOp.COMPUTE, key, java.util.Objects.requireNonNull(fn, "compute function is null"));
        }
        @Override public V computeIfAbsent(K key, SerializableFunction<? super K, ? extends V> fn) {
            return (V) call(MapOp.COMPUTE_IF_ABSENT, key, java.util.Objects.requireNonNull(fn, "computeIfAbsent function is null"));
        }

        // Plain functions (code written against ConcurrentMap): on the manager if they happen to
        // be serializable, else in the caller through ConcurrentMap's compare-and-set defaults.
        @Override public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> fn) {
            return fn instanceof SerializableBiFunction ? merge(key, value, (SerializableBiFunction<? super V, ? super V, ? extends V>) fn)
                    : SharedMap.super.merge(key, value, fn);
        }
        @Override public V compute(K key, BiFunction<? super K, ? super V, ? extends V> fn) {
            return fn instanceof SerializableBiFunction ? compute(key, (SerializableBiFunction<? super K, ? super V, ? extends V>) fn)
                    : SharedMap.super.compute(key, fn);
        }
        @Override public V computeIfAbsent(K key, Function<? super K, ? extends V> fn) {
            return fn instanceof SerializableFunction ? computeIfAbsent(key, (SerializableFunction<? super K, ? extends V>) fn)
                    : SharedMap.super.computeIfAbsent(key, fn);
        }

        @Override public int size() { return (Integer) call(MapOp.SIZE); }
        @Override public boolean isEmpty() { return size() == 0; }
        @Override public void clear() { call(MapOp.CLEAR); }
        @Override public void putAll(Map<? extends K, ? extends V> m) { call(MapOp.PUT_ALL, new java.util.HashMap<>(m)); }
        @Override public Map<K, V> snapshot() { return (Map<K, V>) call(MapOp.SNAPSHOT); }
        @Override public Set<Map.Entry<K, V>> entrySet() { return Collections.unmodifiableMap(snapshot()).entrySet(); }
        @Override public Set<K> keySet() { return Collections.unmodifiableSet(snapshot().keySet()); }
        @Override public Collection<V> values() { return Collections.unmodifiableCollection(snapshot().values()); }
        @Override String contents() { return snapshot().toString(); }
    }

    @SuppressWarnings("unchecked")
    static final class ListProxy<E> extends SharedProxy implements SharedList<E> {
        private static final long serialVersionUID = 1L;

        ListProxy(ManagerRef ref, String name) {
            super(ref, Kind.LIST, name);
        }

        @Override public void add(E e) { call(ListOp.ADD, e); }
        @Override public E get(int index) { return (E) call(ListOp.GET, index); }
        @Override public E set(int index, E e) { return (E) call(ListOp.SET, index, e); }
        @Override public E remove(int index) { return (E) call(ListOp.REMOVE, index); }
        @Override public int size() { return (Integer) call(ListOp.SIZE); }
        @Override public List<E> snapshot() { return (List<E>) call(ListOp.SNAPSHOT); }
        @Override String contents() { return snapshot().toString(); }
    }

    @SuppressWarnings("unchecked")
    static final class QueueProxy<E> extends SharedProxy implements SharedQueue<E> {
        private static final long serialVersionUID = 1L;
        private static final Long NO_WAIT = -1L;

        QueueProxy(ManagerRef ref, String name) {
            super(ref, Kind.QUEUE, name);
        }

        private static <E> E notNull(E e) {
            if (e == null) {
                throw new NullPointerException("a SharedQueue holds no null elements");
            }
            return e;
        }

        @Override public void put(E e) throws InterruptedException { callInterruptibly(QueueOp.OFFER, notNull(e), null); }
        @Override public E take() throws InterruptedException { return (E) callInterruptibly(QueueOp.POLL, (Object) null); }
        @Override public boolean offer(E e) { return (Boolean) call(QueueOp.OFFER, notNull(e), NO_WAIT); }
        @Override public boolean offer(E e, Duration timeout) throws InterruptedException {
            return (Boolean) callInterruptibly(QueueOp.OFFER, notNull(e), nanos(timeout));
        }
        @Override public E poll() { return (E) call(QueueOp.POLL, NO_WAIT); }
        @Override public E poll(Duration timeout) throws InterruptedException {
            return (E) callInterruptibly(QueueOp.POLL, nanos(timeout));
        }
        @Override public int size() { return (Integer) call(QueueOp.SIZE); }
        @Override public int capacity() { return (Integer) call(QueueOp.CAPACITY); }
        @Override String contents() { return label() + " " + size() + " of " + capacity(); }
    }

    static final class LockProxy extends SharedProxy implements SharedLock {
        private static final long serialVersionUID = 1L;

        LockProxy(ManagerRef ref, String name) {
            super(ref, Kind.LOCK, name);
        }

        @Override public void lock() throws InterruptedException { callInterruptibly(LockOp.TRY_LOCK, (Object) null); }
        @Override public boolean tryLock(Duration timeout) throws InterruptedException {
            return (Boolean) callInterruptibly(LockOp.TRY_LOCK, nanos(timeout));
        }
        @Override public void unlock() { call(LockOp.UNLOCK); }
        @Override public boolean isLocked() { return (Boolean) call(LockOp.IS_LOCKED); }
        @Override String contents() { return label() + (isLocked() ? " locked" : " free"); }
    }

    static final class CounterProxy extends SharedProxy implements SharedCounter {
        private static final long serialVersionUID = 1L;

        CounterProxy(ManagerRef ref, String name) {
            super(ref, Kind.COUNTER, name);
        }

        @Override public long get() { return (Long) call(CounterOp.GET); }
        @Override public void set(long value) { call(CounterOp.SET, value); }
        @Override public long incrementAndGet() { return addAndGet(1); }
        @Override public long decrementAndGet() { return addAndGet(-1); }
        @Override public long addAndGet(long delta) { return (Long) call(CounterOp.ADD_AND_GET, delta); }
        @Override public boolean compareAndSet(long expected, long value) {
            return (Boolean) call(CounterOp.COMPARE_AND_SET, expected, value);
        }
        @Override String contents() { return label() + "=" + get(); }
    }

    @SuppressWarnings("unchecked")
    static final class ValueProxy<T> extends SharedProxy implements SharedValue<T> {
        private static final long serialVersionUID = 1L;

        ValueProxy(ManagerRef ref, String name) {
            super(ref, Kind.VALUE, name);
        }

        @Override public T get() { return (T) call(ValueOp.GET); }
        @Override public void set(T value) { call(ValueOp.SET, value); }
        @Override public boolean compareAndSet(T expected, T value) { return (Boolean) call(ValueOp.COMPARE_AND_SET, expected, value); }
        @Override String contents() { return label() + "=" + get(); }
        @Override public T updateAndGet(SerializableFunction<? super T, ? extends T> fn) {
            return (T) call(ValueOp.UPDATE_AND_GET, java.util.Objects.requireNonNull(fn, "update function is null"));
        }
    }

    static final class EventProxy extends SharedProxy implements SharedEvent {
        private static final long serialVersionUID = 1L;

        EventProxy(ManagerRef ref, String name) {
            super(ref, Kind.EVENT, name);
        }

        @Override public void set() { call(EventOp.SET); }
        @Override public void clear() { call(EventOp.CLEAR); }
        @Override public boolean isSet() { return (Boolean) call(EventOp.IS_SET); }
        @Override String contents() { return label() + (isSet() ? " set" : " clear"); }
        @Override public boolean await(Duration timeout) throws InterruptedException {
            return (Boolean) callInterruptibly(EventOp.AWAIT, timeout == null ? null : nanos(timeout));
        }
    }
}
