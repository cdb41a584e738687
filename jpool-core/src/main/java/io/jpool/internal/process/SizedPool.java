package io.jpool.internal.process;

import java.util.ArrayList;
import java.util.List;

/**
 * What an adaptive process pool's {@link ProcessSizer} sees of it and does to it: a view of its
 * serving workers and counts, taken under the pool lock; the retirement of idle workers above
 * what it keeps; and a dispatch when its target rises, so that waiting tasks take the room.
 */
final class SizedPool implements ProcessSizer.Pool {
    private final ProcessPoolImpl pool;
    private final PoolState state;
    private final Retirement retirement;

    SizedPool(ProcessPoolImpl pool, PoolState state, Retirement retirement) {
        this.pool = pool;
        this.state = state;
        this.retirement = retirement;
    }

    @Override
    public ProcessSizer.View sizerView() {
        state.lock.lock();
        try {
            List<ProcessSizer.WorkerState> serving = new ArrayList<>(state.links.size());
            for (WorkerLink w : state.links) {
                if (w.state() == WorkerLink.State.IDLE || w.state() == WorkerLink.State.BUSY) {
                    serving.add(new ProcessSizer.WorkerState(w, !w.held.isEmpty(), w.tasksRun));
                }
            }
            return new ProcessSizer.View(serving, state.workerCount, state.pending.size(),
                    state.counters.completedCount() + state.counters.failedCount(),
                    state.workerCount == 0 && state.noLivePendingLocked());
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public void retireIfIdle(List<WorkerLink> workers, int keep) {
        List<WorkerLink> toRetire = new ArrayList<>(workers.size());
        state.lock.lock();
        try {
            for (WorkerLink w : workers) {
                if (state.workerCount > keep && state.idle.remove(w)) {
                    retirement.retiringLocked(w);
                    toRetire.add(w);
                }
            }
        } finally {
            state.lock.unlock();
        }
        retirement.retireAll(toRetire);
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public void dispatch() {
        pool.dispatch();
    }
}
