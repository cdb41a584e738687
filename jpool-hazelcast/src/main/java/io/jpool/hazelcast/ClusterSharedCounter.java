package io.jpool.hazelcast;

import com.hazelcast.map.IMap;
import io.jpool.SharedCounter;

/** A {@link SharedCounter}: key {@code <name>} of the {@code IMap} {@code jpool.counters}, changed by entry processors. */
final class ClusterSharedCounter extends ClusterRef implements SharedCounter {
    private static final long serialVersionUID = 1L;

    ClusterSharedCounter(String cluster, String name) {
        super(cluster, name);
    }

    private IMap<String, Long> map() {
        return hz().getMap("jpool.counters");
    }

    @Override
    public long get() {
        Long v = map().get(name);
        return v == null ? 0L : v;
    }

    @Override
    public void set(long value) {
        map().set(name, value);
    }

    @Override
    public long incrementAndGet() {
        return addAndGet(1);
    }

    @Override
    public long decrementAndGet() {
        return addAndGet(-1);
    }

    @Override
    public long addAndGet(long delta) {
        return map().executeOnKey(name, new Processors.Add(delta));
    }

    @Override
    public boolean compareAndSet(long expected, long value) {
        return map().executeOnKey(name, new Processors.CompareAndSet<String, Long>(expected, value, 0L));
    }
}
