package io.jpool.internal.manager;

import io.jpool.internal.codec.ValueFilter;

import java.nio.file.Path;
import java.util.Set;

/** Creates shared objects on a {@link ManagerServer} and hands out their proxies. */
public final class ManagerImpl implements AutoCloseable {
    private final ManagerServer server;

    /** A manager with no allow-list. */
    public ManagerImpl() {
        this(null);
    }

    /** A manager that reads what other JVMs send only from {@code allowedClasses} (null: no list). */
    public ManagerImpl(Set<String> allowedClasses) {
        server = ManagerServer.start(allowedClasses);
    }

    public <K, V> io.jpool.SharedMap<K, V> map(String name) {
        server.define(Kind.MAP, name, MapState::new);
        return new Proxies.MapProxy<>(server.ref, name);
    }

    public <E> io.jpool.SharedList<E> list(String name) {
        server.define(Kind.LIST, name, ListState::new);
        return new Proxies.ListProxy<>(server.ref, name);
    }

    public <E> io.jpool.SharedQueue<E> queue(String name, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        server.define(Kind.QUEUE, name, () -> new QueueState(capacity));
        return new Proxies.QueueProxy<>(server.ref, name);
    }

    public io.jpool.SharedLock lock(String name) {
        server.define(Kind.LOCK, name, LockState::new);
        return new Proxies.LockProxy(server.ref, name);
    }

    public io.jpool.SharedCounter counter(String name) {
        server.define(Kind.COUNTER, name, CounterState::new);
        return new Proxies.CounterProxy(server.ref, name);
    }

    public <T> io.jpool.SharedValue<T> value(String name, T initial) {
        Object copy = Wire.copy(initial);
        server.define(Kind.VALUE, name, () -> new ValueState(copy));
        return new Proxies.ValueProxy<>(server.ref, name);
    }

    public io.jpool.SharedEvent event(String name) {
        server.define(Kind.EVENT, name, EventState::new);
        return new Proxies.EventProxy(server.ref, name);
    }

    /** The 0700 directory holding the manager's socket (removed by close). */
    public Path directory() {
        return server.directory();
    }

    /** {@code pattern} if it is a valid allowed-class pattern; else an exception that says the forms. */
    public static String checkClassPattern(String pattern) {
        return ValueFilter.checkPattern(pattern);
    }

    /** The server itself, for tests in this package. */
    ManagerServer server() {
        return server;
    }

    public boolean isClosed() {
        return server.isClosed();
    }

    @Override
    public void close() {
        server.close();
    }
}
