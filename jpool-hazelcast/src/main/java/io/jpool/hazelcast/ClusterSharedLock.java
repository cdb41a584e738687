package io.jpool.hazelcast;

import com.hazelcast.map.IMap;
import io.jpool.SharedLock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SharedLock}: the key lock of {@code <name>} in the {@code IMap} {@code jpool.locks}.
 * Reentrant and owned by the calling thread of the calling member or client; Hazelcast releases
 * it when that member or client leaves the cluster.
 */
final class ClusterSharedLock extends ClusterRef implements SharedLock {
    private static final long serialVersionUID = 1L;

    ClusterSharedLock(String cluster, String name) {
        super(cluster, name);
    }

    private IMap<String, Boolean> map() {
        return hz().getMap("jpool.locks");
    }

    @Override
    public void lock() throws InterruptedException {
        // IMap.lock cannot be interrupted; a long tryLock in a loop can.
        while (!map().tryLock(name, 1, TimeUnit.DAYS)) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for lock " + name);
            }
        }
    }

    @Override
    public boolean tryLock(Duration timeout) throws InterruptedException {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive, got " + timeout);
        }
        return map().tryLock(name, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void unlock() {
        map().unlock(name);
    }

    @Override
    public boolean isLocked() {
        return map().isLocked(name);
    }
}
