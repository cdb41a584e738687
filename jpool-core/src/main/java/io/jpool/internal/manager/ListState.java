package io.jpool.internal.manager;

import java.util.ArrayList;
import java.util.concurrent.locks.ReentrantLock;

/** A SharedList's data: an ArrayList under a lock. */
final class ListState implements SharedState {
    private final ArrayList<Object> list = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public Object apply(String op, Object[] a, String owner) {
        lock.lock();
        try {
            switch (op) {
                case "add": list.add(a[0]); return null;
                case "get": return list.get((Integer) a[0]);
                case "set": return list.set((Integer) a[0], a[1]);
                case "remove": return list.remove((int) (Integer) a[0]);
                case "size": return list.size();
                case "snapshot": return new ArrayList<>(list);
                default: throw SharedState.unknown("list", op);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
    }
}
