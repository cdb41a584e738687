package io.jpool.hazelcast;

import com.hazelcast.map.IMap;
import io.jpool.SharedEvent;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SharedEvent}: key {@code <name>} of the {@code IMap} {@code jpool.events}, present
 * while set. {@code await} polls it (1 to 20 ms apart): simpler than a listener per waiter, and a
 * waiter that dies leaves nothing behind on the cluster.
 */
final class ClusterSharedEvent extends ClusterRef implements SharedEvent {
    private static final long serialVersionUID = 1L;

    ClusterSharedEvent(String cluster, String name) {
        super(cluster, name);
    }

    private IMap<String, Boolean> map() {
        return hz().getMap("jpool.events");
    }

    @Override
    public void set() {
        map().set(name, Boolean.TRUE);
    }

    @Override
    public void clear() {
        map().delete(name);
    }

    @Override
    public boolean isSet() {
        return map().containsKey(name);
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (!isSet()) {
            long left = deadline - System.nanoTime();
            if (timeout != null && left <= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(timeout == null ? pause : Math.min(pause, Math.max(1, left / 1_000_000)));
            pause = Math.min(20, pause * 2);
        }
        return true;
    }
}
