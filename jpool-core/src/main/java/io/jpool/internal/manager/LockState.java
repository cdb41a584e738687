package io.jpool.internal.manager;

/**
 * A SharedLock's data: the owner ({@code <connection>/<thread>}) and its hold count. When a
 * connection goes away its holds are dropped, so a dead worker never keeps the lock.
 */
final class LockState extends BlockingState {
    private String owner;
    private int holds;

    @Override
    public Object apply(Op op, Object[] a, String who) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            checkOpen();
            return switch ((Op.LockOp) op) {
                case TRY_LOCK -> tryLock(who, deadline(a[0]));
                case UNLOCK -> {
                    unlock(who);
                    yield null;
                }
                case IS_LOCKED -> owner != null;
            };
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: takes (or re-enters) the lock for {@code who}, waiting until {@code deadline}. */
    private boolean tryLock(String who, long deadline) throws InterruptedException {
        while (owner != null && !owner.equals(who)) {
            if (!awaitChange(deadline)) {
                return false;
            }
        }
        owner = who;
        holds++;
        return true;
    }

    private void unlock(String who) {
        if (!who.equals(owner)) {
            throw new IllegalMonitorStateException("unlock of a SharedLock this thread does not hold"
                    + (owner == null ? " (it is free)" : ""));
        }
        if (--holds == 0) {
            owner = null;
            changed.signalAll();
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
