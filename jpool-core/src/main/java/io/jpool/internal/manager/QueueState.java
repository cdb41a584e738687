package io.jpool.internal.manager;

import java.util.ArrayDeque;

/**
 * A SharedQueue's data: a bounded FIFO. {@code putBack} returns an element to the head, for a
 * take whose caller vanished before the element reached it.
 */
final class QueueState extends BlockingState {
    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private final int capacity;

    QueueState(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public Object apply(String op, Object[] a, String owner) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            checkOpen();
            switch (op) {
                case "offer": { // (element, timeoutNanos or null = forever, or -1 = no wait)
                    long deadline = noWait(a[1]) ? System.nanoTime() : deadline(a[1]);
                    while (items.size() >= capacity) {
                        if (!awaitChange(deadline)) {
                            return false;
                        }
                    }
                    items.addLast(a[0]);
                    changed.signalAll();
                    return true;
                }
                case "poll": { // (timeoutNanos or null = forever, or -1 = no wait)
                    long deadline = noWait(a[0]) ? System.nanoTime() : deadline(a[0]);
                    while (items.isEmpty()) {
                        if (!awaitChange(deadline)) {
                            return null;
                        }
                    }
                    Object e = items.pollFirst();
                    changed.signalAll();
                    return e;
                }
                case "size": return items.size();
                case "capacity": return capacity;
                default: throw SharedState.unknown("queue", op);
            }
        } finally {
            lock.unlock();
        }
    }

    private static boolean noWait(Object timeout) {
        return timeout != null && (Long) timeout < 0;
    }

    /** Puts a taken element back at the head (its taker is gone); may exceed capacity by one. */
    void putBack(Object e) {
        lock.lock();
        try {
            items.addFirst(e);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
