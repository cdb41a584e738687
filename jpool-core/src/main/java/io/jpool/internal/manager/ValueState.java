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
    public Object apply(Op op, Object[] a, String owner) {
        lock.lock();
        try {
            return switch ((Op.ValueOp) op) {
                case GET -> value;
                case SET -> {
                    value = a[0];
                    yield null;
                }
                case COMPARE_AND_SET -> {
                    boolean same = Objects.equals(value, a[0]);
                    if (same) {
                        value = a[1];
                    }
                    yield same;
                }
                case UPDATE_AND_GET -> value = ((Function<Object, Object>) a[0]).apply(value);
            };
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
    }
}
