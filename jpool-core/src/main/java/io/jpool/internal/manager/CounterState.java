package io.jpool.internal.manager;

import java.util.concurrent.atomic.AtomicLong;

/** A SharedCounter's data: an AtomicLong. */
final class CounterState implements SharedState {
    private final AtomicLong value = new AtomicLong();

    @Override
    public Object apply(Op op, Object[] a, String owner) {
        return switch ((Op.CounterOp) op) {
            case GET -> value.get();
            case SET -> {
                value.set((Long) a[0]);
                yield null;
            }
            case ADD_AND_GET -> value.addAndGet((Long) a[0]);
            case COMPARE_AND_SET -> value.compareAndSet((Long) a[0], (Long) a[1]);
        };
    }

    @Override
    public void close() {
    }
}
