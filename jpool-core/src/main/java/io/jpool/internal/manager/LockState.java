package io.jpool.internal.manager;

/**
 * A SharedLock's data: the owner ({@code <connection>/<thread>}) and its hold count. When a
 * connection goes away its holds are dropped, so a dead worker never keeps the lock.
 */
final class LockState extends BlockingState {
    private String owner;
    private int holds;

    @Override
    public Object apply(String op, Object[] a, String who) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            checkOpen();
            switch (op) {
                case "tryLock": { // (timeoutNanos or null = forever)
                    long deadline = deadline(a[0]);
                    while (owner != null && !owner.equals(who)) {
                        if (!awaitChange(deadline)) {
                            return false;
                        }
                    }
                    owner = who;
                    holds++;
                    return true;
                }
                case "unlock":
                    if (!who.equals(owner)) {
                        throw new IllegalMonitorStateException("unlock of a SharedLock this thread does not hold"
                                + (owner == null ? " (it is free)" : ""));
                    }
                    if (--holds == 0) {
                        owner = null;
                        changed.signalAll();
                    }
                    return null;
                case "isLocked": return owner != null;
                default: throw SharedState.unknown("lock", op);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void releaseOwnedBy(String connectionPrefix) {
        lock.lock();
        try {
            if (owner != null && owner.startsWith(connectionPrefix)) {
                owner = null;
                holds = 0;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
