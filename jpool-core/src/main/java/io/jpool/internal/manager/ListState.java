package io.jpool.internal.manager;

import java.util.ArrayList;
import java.util.concurrent.locks.ReentrantLock;

/** A SharedList's data: an ArrayList under a lock. */
final class ListState implements SharedState {
    private final ArrayList<Object> list = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public Object apply(Op op, Object[] a, String owner) {
        lock.lock();
        try {
            return switch ((Op.ListOp) op) {
                case ADD -> {
                    list.add(a[0]);
                    yield null;
                }
                case GET -> list.get((Integer) a[0]);
                case SET -> list.set((Integer) a[0], a[1]);
                case REMOVE -> list.remove((int) (Integer) a[0]);
                case SIZE -> list.size();
                case SNAPSHOT -> new ArrayList<>(list);
            };
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
    }
}
