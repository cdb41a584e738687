package io.jpool.internal.manager;

/** A SharedEvent's data: one flag. */
final class EventState extends BlockingState {
    private boolean set;

    @Override
    public Object apply(String op, Object[] a, String owner) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            checkOpen();
            switch (op) {
                case "set": set = true; changed.signalAll(); return null;
                case "clear": set = false; return null;
                case "isSet": return set;
                case "await": { // (timeoutNanos or null = forever)
                    long deadline = deadline(a[0]);
                    while (!set) {
                        if (!awaitChange(deadline)) {
                            return false;
                        }
                    }
                    return true;
                }
                default: throw SharedState.unknown("event", op);
            }
        } finally {
            lock.unlock();
        }
    }
}
