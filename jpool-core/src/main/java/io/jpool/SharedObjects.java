package io.jpool;

/**
 * A factory of named shared objects: {@link Manager} on one machine, and a cluster implementation
 * ({@code io.jpool.hazelcast.ClusterObjects}) across machines, so code written against these
 * methods and the {@code Shared*} interfaces runs on either. The same name gives the same object;
 * the objects are {@link java.io.Serializable}, so tasks capture them.
 */
public interface SharedObjects extends AutoCloseable {

    /** The shared map named {@code name}, created empty on first use. */
    <K, V> SharedMap<K, V> map(String name);

    /** The shared list named {@code name}, created empty on first use. */
    <E> SharedList<E> list(String name);

    /** The shared blocking queue named {@code name}, with room for {@code capacity} elements. */
    <E> SharedQueue<E> queue(String name, int capacity);

    /** The shared lock named {@code name}. */
    SharedLock lock(String name);

    /** The shared counter named {@code name}, starting at 0. */
    SharedCounter counter(String name);

    /** The shared value named {@code name}, starting at {@code initial} when first created. */
    <T> SharedValue<T> value(String name, T initial);

    /** The shared event named {@code name}, initially clear. */
    SharedEvent event(String name);

    /** Releases what this factory holds; see the implementation for what happens to the objects. */
    @Override
    void close();
}
