package io.jpool.hazelcast;

import com.hazelcast.collection.IQueue;
import io.jpool.SharedQueue;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SharedQueue} on a bounded {@code IQueue}. Waiting is done here, by polling 1 to 20 ms
 * apart, never by a blocking {@code take} on the cluster: a consumer that dies while blocked
 * there loses the element handed to it, one that dies between polls loses nothing.
 */
final class ClusterSharedQueue<E> extends ClusterRef implements SharedQueue<E> {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    ClusterSharedQueue(String cluster, String name, int capacity) {
        super(cluster, name);
        this.capacity = capacity;
    }

    private IQueue<E> queue() {
        return hz().getQueue(name);
    }

    @Override
    public void put(E e) throws InterruptedException {
        offer(e, null);
    }

    @Override
    public E take() throws InterruptedException {
        return poll(null);
    }

    @Override
    public boolean offer(E e) {
        Objects.requireNonNull(e, "a queue element must not be null");
        return queue().offer(e);
    }

    @Override
    public boolean offer(E e, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(e, "a queue element must not be null");
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (!queue().offer(e)) {
            if (timeout != null && deadline - System.nanoTime() <= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(pause);
            pause = Math.min(20, pause * 2);
        }
        return true;
    }

    @Override
    public E poll() {
        return queue().poll();
    }

    @Override
    public E poll(Duration timeout) throws InterruptedException {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        long pause = 1;
        for (E e; ; ) {
            if ((e = queue().poll()) != null) {
                return e;
            }
            if (timeout != null && deadline - System.nanoTime() <= 0) {
                return null;
            }
            TimeUnit.MILLISECONDS.sleep(pause);
            pause = Math.min(20, pause * 2);
        }
    }

    @Override
    public int size() {
        return queue().size();
    }

    @Override
    public int capacity() {
        return capacity;
    }
}
