package io.jpool;

import io.jpool.internal.manager.ManagerImpl;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Shared objects across threads and worker processes: Python's {@code multiprocessing.Manager}.
 *
 * <pre>{@code
 * try (Manager manager = Manager.start();
 *      ProcessPool pool = ProcessPool.create(4)) {
 *     SharedMap<String, Integer> counts = manager.map("counts");
 *     pool.submit(() -> counts.merge("a", 1, Integer::sum)).get();
 * }
 * }</pre>
 *
 * <p>The manager lives in the JVM that starts it. Its proxies are {@link java.io.Serializable}:
 * capture them in tasks and they work in the caller, in {@link ThreadPool} tasks and in
 * {@link ProcessPool} workers, which reach the manager over a private, authenticated Unix domain
 * socket (one connection per worker JVM, shared by its threads). Each operation is atomic on the
 * manager; {@code merge}, {@code compute} and {@code updateAndGet} run their functions there.
 * Values travel by serialization, so what you read is a copy. The same name gives the same
 * object. After {@link #close()}, every proxy throws {@link ManagerClosedException}, and callers
 * blocked in {@code take}, {@code lock} or {@code await} are released with it.
 *
 * <p>A value or function that another JVM sends is deserialized in the manager's JVM. If the
 * workers may run code you do not trust, start the manager with an allow-list
 * ({@link Builder#allowedClasses}): then nothing they send instantiates a class outside it here.
 */
public final class Manager implements SharedObjects {
    private final ManagerImpl impl;

    private Manager(ManagerImpl impl) {
        this.impl = impl;
    }

    /** Starts a manager in this JVM, with no allow-list. */
    public static Manager start() {
        return new Manager(new ManagerImpl());
    }

    /** Options for a manager: {@code Manager.builder().allowedClasses("com.example.*").start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options for a {@link Manager}; {@link #start()} starts one. */
    public static final class Builder {
        private Set<String> allowedClasses; // null: no allow-list

        private Builder() {
        }

        /**
         * Reads values and functions sent by other JVMs (workers) only if every class in them is
         * the JDK's, jpool's or matches one of {@code patterns}: a class name
         * ({@code com.example.Point}), a package ({@code com.example.*}), a package and its
         * subpackages ({@code com.example.**}) or a name prefix ({@code com.example.Point*}). A
         * lambda counts as the class that wrote it (list that class or its package to pass
         * {@code merge}, {@code compute} or {@code updateAndGet} functions). A call carrying
         * anything else fails in its caller with an {@link IllegalArgumentException} that names
         * the class, and the manager instantiates nothing of it. Calls made in the manager's own
         * JVM are not filtered. Each call adds to the list; default: no list (only the limits on
         * a value's nesting depth, references and size, which apply with a list too).
         */
        public Builder allowedClasses(String... patterns) {
            if (patterns == null) {
                throw new NullPointerException("allowedClasses patterns are null (pass none to allow only the JDK's and jpool's classes)");
            }
            Set<String> more = allowedClasses == null ? new LinkedHashSet<>() : new LinkedHashSet<>(allowedClasses);
            for (String p : patterns) {
                more.add(ManagerImpl.checkClassPattern(p));
            }
            allowedClasses = more;
            return this;
        }

        /** Starts the manager in this JVM. */
        public Manager start() {
            return new Manager(new ManagerImpl(allowedClasses == null ? null : Set.copyOf(allowedClasses)));
        }
    }

    /** The shared map named {@code name}, created empty on first use. */
    public <K, V> SharedMap<K, V> map(String name) {
        return impl.map(name);
    }

    /** The shared list named {@code name}, created empty on first use. */
    public <E> SharedList<E> list(String name) {
        return impl.list(name);
    }

    /** The shared blocking queue named {@code name}, with room for {@code capacity} elements. */
    public <E> SharedQueue<E> queue(String name, int capacity) {
        return impl.queue(name, capacity);
    }

    /** The shared lock named {@code name}. */
    public SharedLock lock(String name) {
        return impl.lock(name);
    }

    /** The shared counter named {@code name}, starting at 0. */
    public SharedCounter counter(String name) {
        return impl.counter(name);
    }

    /** The shared value named {@code name}, starting at {@code initial} when first created. */
    public <T> SharedValue<T> value(String name, T initial) {
        return impl.value(name, initial);
    }

    /** The shared event named {@code name}, initially clear. */
    public SharedEvent event(String name) {
        return impl.event(name);
    }

    /** Stops the manager: its objects are gone, waiters released, its socket directory deleted. */
    @Override
    public void close() {
        impl.close();
    }
}
