package io.jpool.hazelcast;

import com.hazelcast.cluster.Member;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tasks waiting to be sent to one member, and the Hazelcast operations in flight to it.
 *
 * <p>How it works: at most {@link #MAX_OPS} operations (a lone task or a batch each) are in
 * flight to a member at once. A task that finds a free operation and nothing queued is sent at
 * once, alone, so a lone task never waits for others. A task that finds them all in flight (the
 * member's threads are busy, more would only wait in its executor's queue) is queued here, and
 * whoever frees an operation (the thread that handles an answer) takes what is queued and sends
 * it as one batch (from the pool's sender thread when that is one of Hazelcast's threads, which
 * may not make remote calls). A batch takes a {@code MAX_OPS}-th of the queue, so that queued
 * tasks of unknown length spread over the operations the member's threads run side by side
 * rather than all running one after another in one; and, once the member has reported how long
 * its batched tasks run, as many more as fit in half of {@link BatchCall#BUDGET_NANOS} (at most
 * {@link #MAX_BATCH}). A batch that runs past that budget hands its unbegun tasks back, and they
 * queue here again. The queue holds only tasks
 * that hold a slot of the pool's in-flight bound, so it is bounded too.
 *
 * <p>No task is stranded: a queuer adds, then tries for an operation; a finisher frees its
 * operation, then looks at the queue; whichever of them comes second sees the other's change.
 */
final class Outbox {
    /** Operations in flight to one member before tasks queue up to be batched. */
    static final int MAX_OPS = 16;
    /** The most tasks in one batch. */
    static final int MAX_BATCH = 256;

    final Member member;
    private final AtomicInteger ops = new AtomicInteger();
    /** Recent mean run time of this member's batched tasks, or -1 while unknown. */
    private volatile long meanRunNanos = -1;
    private final AtomicInteger queued = new AtomicInteger();
    /** Whether a pump of this outbox is scheduled on the pool's sender thread. */
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final ConcurrentLinkedQueue<ClusterFuture<?>> queue = new ConcurrentLinkedQueue<>();

    Outbox(Member member) {
        this.member = member;
    }

    /** Takes an operation if fewer than {@link #MAX_OPS} are in flight. */
    boolean tryOp() {
        for (int c = ops.get(); c < MAX_OPS; c = ops.get()) {
            if (ops.compareAndSet(c, c + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Gives back an operation that answered (or was never sent). */
    void opDone() {
        ops.decrementAndGet();
    }

    /** Whether the caller is the one to schedule a pump (none is scheduled yet). */
    boolean claimPump() {
        return !pumpScheduled.get() && pumpScheduled.compareAndSet(false, true);
    }

    /** Called by the scheduled pump as it starts, so that later frees schedule another. */
    void pumpClaimed() {
        pumpScheduled.set(false);
    }

    boolean nothingQueued() {
        return queued.get() == 0;
    }

    void add(ClusterFuture<?> f) {
        queue.add(f);
        queued.incrementAndGet();
    }

    /** Notes the mean run time of a batch's tasks on this member (-1: none ran). */
    void observed(long meanNanos) {
        if (meanNanos >= 0) {
            long m = meanRunNanos;
            meanRunNanos = m < 0 ? meanNanos : (3 * m + meanNanos) / 4; // a lost race costs one sample
        }
    }

    /** For an operation just taken: the next tasks to send together, perhaps none. */
    List<ClusterFuture<?>> take() {
        long n = (queued.get() + MAX_OPS - 1) / MAX_OPS;
        long mean = meanRunNanos;
        if (mean >= 0) {
            n = Math.max(n, BatchCall.BUDGET_NANOS / 2 / Math.max(1, mean));
        }
        n = Math.min(MAX_BATCH, Math.max(1, n));
        List<ClusterFuture<?>> out = new ArrayList<>((int) n);
        while (out.size() < n) {
            ClusterFuture<?> f = queue.poll();
            if (f == null) {
                break;
            }
            queued.decrementAndGet();
            if (!f.isDone()) {
                out.add(f); // one cancelled while queued is dropped here, never sent
            }
        }
        return out;
    }

    /** Operations in flight now. */
    int inFlight() {
        return ops.get();
    }
}
