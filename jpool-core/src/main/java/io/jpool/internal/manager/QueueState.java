package io.jpool.internal.manager;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * A SharedQueue's data: a bounded FIFO. {@code putBack} returns an element to the head, for a
 * take whose caller vanished before the element reached it.
 */
final class QueueState extends BlockingState {
    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private final int capacity;
    /** Elements handed to other JVMs whose takers acknowledged them: gone from the manager for good. */
    private final LongAdder acknowledged = new LongAdder();
    private long returned; // guarded by lock

    QueueState(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public Object apply(Op op, Object[] a, String owner) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            checkOpen();
            return switch ((Op.QueueOp) op) {
                case OFFER -> offer(a[0], a[1]);
                case POLL -> poll(a[0]);
                case SIZE -> items.size();
                case CAPACITY -> capacity;
            };
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: (timeout in nanoseconds, null = forever, negative = no wait). */
    private boolean offer(Object element, Object timeout) throws InterruptedException {
        long deadline = noWait(timeout) ? System.nanoTime() : deadline(timeout);
        while (items.size() >= capacity) {
            if (!awaitChange(deadline)) {
                return false;
            }
        }
        items.addLast(element);
        changed.signalAll();
        return true;
    }

    /** With the lock held: the head, or null once the timeout (as for offer) passed. */
    private Object poll(Object timeout) throws InterruptedException {
        long deadline = noWait(timeout) ? System.nanoTime() : deadline(timeout);
        while (items.isEmpty()) {
            if (!awaitChange(deadline)) {
                return null;
            }
        }
        Object e = items.pollFirst();
        changed.signalAll();
        return e;
    }

    private static boolean noWait(Object timeout) {
        return timeout != null && (Long) timeout < 0;
    }

    /** Puts a taken element back at the head (its taker is gone); may exceed capacity by one. */
    void putBack(Object e) {
        lock.lock();
        try {
            items.addFirst(e);
            returned++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Counts an element whose taker in another JVM acknowledged it (no lock: a counter only). */
    void acknowledged() {
        acknowledged.increment();
    }

    /**
     * How many elements takers in other JVMs have acknowledged, for tests that account for every
     * element put: each is in the queue, claimed, or acknowledged once.
     */
    long acknowledgedCount() {
        return acknowledged.sum();
    }

    /** How many elements came back from takers that vanished before they acknowledged them (for tests). */
    long returnedCount() {
        lock.lock();
        try {
            return returned;
        } finally {
            lock.unlock();
        }
    }
}
