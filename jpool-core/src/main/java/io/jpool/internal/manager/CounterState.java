package io.jpool.internal.manager;

import java.util.concurrent.atomic.AtomicLong;

/** A SharedCounter's data: an AtomicLong. */
final class CounterState implements SharedState {
    private final AtomicLong value = new AtomicLong();

    @Override
    public Object apply(String op, Object[] a, String owner) {
        switch (op) {
            case "get": return value.get();
            case "set": value.set((Long) a[0]); return null;
            case "addAndGet": return value.addAndGet((Long) a[0]);
            case "compareAndSet": return value.compareAndSet((Long) a[0], (Long) a[1]);
            default: throw SharedState.unknown("counter", op);
        }
    }

    @Override
    public void close() {
    }
}
