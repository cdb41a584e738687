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
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
