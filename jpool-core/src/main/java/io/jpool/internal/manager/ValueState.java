package io.jpool.internal.manager;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/** A SharedValue's data: one value under a lock; compareAndSet compares with equals. */
final class ValueState implements SharedState {
    private final ReentrantLock lock = new ReentrantLock();
    private Object value;

    ValueState(Object initial) {
        this.value = initial;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object apply(String op, Object[] a, String owner) {
        lock.lock();
        try {
            switch (op) {
                case "get": return value;
                case "set": value = a[0]; return null;
                case "compareAndSet":
                    if (Objects.equals(value, a[0])) {
                        value = a[1];
                        return true;
                    }
                    return false;
                case "updateAndGet":
                    value = ((Function<Object, Object>) a[0]).apply(value);
                    return value;
                default: throw SharedState.unknown("value", op);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
    }
}
