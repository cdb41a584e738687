package io.jpool.hazelcast;

import com.hazelcast.config.QueueConfig;
import com.hazelcast.core.HazelcastInstance;
import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.SharedList;
import io.jpool.SharedLock;
import io.jpool.SharedMap;
import io.jpool.SharedObjects;
import io.jpool.SharedQueue;
import io.jpool.SharedValue;

import java.util.Objects;

/**
 * Shared objects on a Hazelcast cluster: the same {@link SharedObjects} factory as
 * {@link io.jpool.Manager}, so code using {@code SharedMap}, {@code SharedCounter} and the rest
 * runs unchanged on members of many machines. Built on {@code IMap} (entry processors and key
 * locks), {@code IList} and {@code IQueue}; no CP Subsystem structure (Enterprise-only), hence
 * Hazelcast's AP guarantees: a member's failure can lose the latest writes of a partition it owned
 * when no backup has them yet (the default keeps one synchronous backup).
 *
 * <ul>
 *   <li>Counters, values, {@code merge} and {@code compute} run as entry processors on the key's
 *       owner: atomic, so concurrent increments give exact totals.</li>
 *   <li>A lock is an {@code IMap} key lock, owned by the calling thread of the calling member or
 *       client, and released when that member dies (under a second) or that client is gone (its
 *       session cleanup, a few seconds).</li>
 *   <li>A queue's {@code take} and {@code poll(timeout)} poll without blocking on the cluster, so
 *       a consumer that dies while waiting loses nothing; an element already on its way to a
 *       consumer that dies at that instant (one round trip) is lost.</li>
 *   <li>An event's {@code await} polls the flag (every 1 to 20 ms).</li>
 * </ul>
 * The objects are {@link java.io.Serializable}: a task captures them, and on a member they find
 * that member's Hazelcast instance by cluster name.
 */
public final class ClusterObjects implements SharedObjects {
    private final HazelcastInstance hz;
    private final String cluster;

    private ClusterObjects(HazelcastInstance hz) {
        this.hz = hz;
        this.cluster = Instances.register(hz);
    }

    /** The shared objects of {@code hz}'s cluster (a member or a client). */
    public static ClusterObjects of(HazelcastInstance hz) {
        return new ClusterObjects(Objects.requireNonNull(hz, "hz is null: pass a running HazelcastInstance"));
    }

    /** The shared objects of the cluster {@code pool} runs on. */
    public static ClusterObjects of(ClusterPool pool) {
        return of(Objects.requireNonNull(pool, "pool is null").hazelcast());
    }

    @Override
    public <K, V> SharedMap<K, V> map(String name) {
        return new ClusterSharedMap<>(cluster, checkName(name));
    }

    @Override
    public <E> SharedList<E> list(String name) {
        return new ClusterSharedList<>(cluster, checkName(name));
    }

    @Override
    public <E> SharedQueue<E> queue(String name, int capacity) {
        checkName(name);
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        String qname = "jpool.queue." + name;
        try {
            hz.getConfig().addQueueConfig(new QueueConfig(qname).setMaxSize(capacity));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("queue " + name + " exists with another capacity than " + capacity
                    + " (" + e.getMessage() + "); use the same capacity everywhere", e);
        }
        return new ClusterSharedQueue<>(cluster, qname, capacity);
    }

    @Override
    public SharedLock lock(String name) {
        return new ClusterSharedLock(cluster, checkName(name));
    }

    @Override
    public SharedCounter counter(String name) {
        return new ClusterSharedCounter(cluster, checkName(name));
    }

    @Override
    public <T> SharedValue<T> value(String name, T initial) {
        ClusterSharedValue<T> v = new ClusterSharedValue<>(cluster, checkName(name));
        v.initialize(initial);
        return v;
    }

    @Override
    public SharedEvent event(String name) {
        return new ClusterSharedEvent(cluster, checkName(name));
    }

    /** Does nothing: the objects live in the cluster, and the instance belongs to its creator. */
    @Override
    public void close() {
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name is blank: give the shared object a name, such as \"results\"");
        }
        return name;
    }
}
