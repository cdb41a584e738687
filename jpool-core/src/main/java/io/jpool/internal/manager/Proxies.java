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

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The proxy of each shared-object type: every method is one call to the manager. */
final class Proxies {
    private Proxies() {
    }

    static long nanos(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("timeout is null (use the method without a timeout to wait forever)");
        }
        try {
            return Math.max(0L, timeout.toNanos());
        } catch (ArithmeticException huge) {
            return Long.MAX_VALUE / 4;
        }
    }

    @SuppressWarnings("unchecked")
    static final class MapProxy<K, V> extends SharedProxy implements SharedMap<K, V> {
        private static final long serialVersionUID = 1L;

        MapProxy(ManagerRef ref, String name) {
            super(ref, "map", name);
        }

        @Override public V get(K key) { return (V) call("get", key); }
        @Override public V put(K key, V value) { return (V) call("put", key, value); }
        @Override public V putIfAbsent(K key, V value) { return (V) call("putIfAbsent", key, value); }
        @Override public V remove(K key) { return (V) call("remove", key); }
        @Override public V replace(K key, V value) { return (V) call("replace", key, value); }
        @Override public boolean containsKey(K key) { return (Boolean) call("containsKey", key); }
        @Override public V merge(K key, V value, SerializableBiFunction<? super V, ? super V, ? extends V> fn) {
            return (V) call("merge", key, value, java.util.Objects.requireNonNull(fn, "merge function is null"));
        }
        @Override public V compute(K key, SerializableBiFunction<? super K, ? super V, ? extends V> fn) {
            return (V) call("compute", key, java.util.Objects.requireNonNull(fn, "compute function is null"));
        }
        @Override public int size() { return (Integer) call("size"); }
        @Override public void clear() { call("clear"); }
        @Override public Map<K, V> snapshot() { return (Map<K, V>) call("snapshot"); }
    }

    @SuppressWarnings("unchecked")
    static final class ListProxy<E> extends SharedProxy implements SharedList<E> {
        private static final long serialVersionUID = 1L;

        ListProxy(ManagerRef ref, String name) {
            super(ref, "list", name);
        }

        @Override public void add(E e) { call("add", e); }
        @Override public E get(int index) { return (E) call("get", index); }
        @Override public E set(int index, E e) { return (E) call("set", index, e); }
        @Override public E remove(int index) { return (E) call("remove", index); }
        @Override public int size() { return (Integer) call("size"); }
        @Override public List<E> snapshot() { return (List<E>) call("snapshot"); }
    }

    @SuppressWarnings("unchecked")
    static final class QueueProxy<E> extends SharedProxy implements SharedQueue<E> {
        private static final long serialVersionUID = 1L;
        private static final Long NO_WAIT = -1L;

        QueueProxy(ManagerRef ref, String name) {
            super(ref, "queue", name);
        }

        private static <E> E notNull(E e) {
            if (e == null) {
                throw new NullPointerException("a SharedQueue holds no null elements");
            }
            return e;
        }

        @Override public void put(E e) throws InterruptedException { callInterruptibly("offer", notNull(e), null); }
        @Override public E take() throws InterruptedException { return (E) callInterruptibly("poll", (Object) null); }
        @Override public boolean offer(E e) { return (Boolean) call("offer", notNull(e), NO_WAIT); }
        @Override public boolean offer(E e, Duration timeout) throws InterruptedException {
            return (Boolean) callInterruptibly("offer", notNull(e), nanos(timeout));
        }
        @Override public E poll() { return (E) call("poll", NO_WAIT); }
        @Override public E poll(Duration timeout) throws InterruptedException {
            return (E) callInterruptibly("poll", nanos(timeout));
        }
        @Override public int size() { return (Integer) call("size"); }
        @Override public int capacity() { return (Integer) call("capacity"); }
    }

    static final class LockProxy extends SharedProxy implements SharedLock {
        private static final long serialVersionUID = 1L;

        LockProxy(ManagerRef ref, String name) {
            super(ref, "lock", name);
        }

        @Override public void lock() throws InterruptedException { callInterruptibly("tryLock", (Object) null); }
        @Override public boolean tryLock(Duration timeout) throws InterruptedException {
            return (Boolean) callInterruptibly("tryLock", nanos(timeout));
        }
        @Override public void unlock() { call("unlock"); }
        @Override public boolean isLocked() { return (Boolean) call("isLocked"); }
    }

    static final class CounterProxy extends SharedProxy implements SharedCounter {
        private static final long serialVersionUID = 1L;

        CounterProxy(ManagerRef ref, String name) {
            super(ref, "counter", name);
        }

        @Override public long get() { return (Long) call("get"); }
        @Override public void set(long value) { call("set", value); }
        @Override public long incrementAndGet() { return addAndGet(1); }
        @Override public long decrementAndGet() { return addAndGet(-1); }
        @Override public long addAndGet(long delta) { return (Long) call("addAndGet", delta); }
        @Override public boolean compareAndSet(long expected, long value) {
            return (Boolean) call("compareAndSet", expected, value);
        }
    }

    @SuppressWarnings("unchecked")
    static final class ValueProxy<T> extends SharedProxy implements SharedValue<T> {
        private static final long serialVersionUID = 1L;

        ValueProxy(ManagerRef ref, String name) {
            super(ref, "value", name);
        }

        @Override public T get() { return (T) call("get"); }
        @Override public void set(T value) { call("set", value); }
        @Override public boolean compareAndSet(T expected, T value) { return (Boolean) call("compareAndSet", expected, value); }
        @Override public T updateAndGet(SerializableFunction<? super T, ? extends T> fn) {
            return (T) call("updateAndGet", java.util.Objects.requireNonNull(fn, "update function is null"));
        }
    }

    static final class EventProxy extends SharedProxy implements SharedEvent {
        private static final long serialVersionUID = 1L;

        EventProxy(ManagerRef ref, String name) {
            super(ref, "event", name);
        }

        @Override public void set() { call("set"); }
        @Override public void clear() { call("clear"); }
        @Override public boolean isSet() { return (Boolean) call("isSet"); }
        @Override public boolean await(Duration timeout) throws InterruptedException {
            return (Boolean) callInterruptibly("await", timeout == null ? null : nanos(timeout));
        }
    }
}
