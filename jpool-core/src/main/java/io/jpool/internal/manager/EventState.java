package io.jpool.internal.manager;

/** A SharedEvent's data: one flag. */
final class EventState extends BlockingState {
    private boolean set;

    @Override
    public Object apply(Op op, Object[] a, String owner) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            checkOpen();
            return switch ((Op.EventOp) op) {
                case SET -> {
                    set = true;
                    changed.signalAll();
                    yield null;
                }
                case CLEAR -> {
                    set = false;
                    yield null;
                }
                case IS_SET -> set;
                case AWAIT -> await(deadline(a[0]));
            };
        } finally {
            lock.unlock();
        }
    }

    /** Waits, with the lock held, until the flag is set or {@code deadline} passes. */
    private boolean await(long deadline) throws InterruptedException {
        while (!set) {
            if (!awaitChange(deadline)) {
                return false;
            }
        }
        return true;
    }
}
