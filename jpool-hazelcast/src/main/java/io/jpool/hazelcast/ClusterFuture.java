package io.jpool.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.internal.serialization.Data;
import io.jpool.Task;
import io.jpool.internal.future.TaskFuture;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The future of one cluster task: jpool's {@link TaskFuture} state machine plus what the pool
 * needs to place, re-run, time out and cancel the task on its member. Starting is driven by the
 * member's start signal or, if that comes late or never, by the result itself.
 */
final class ClusterFuture<T> extends TaskFuture<T> {
    final ClusterPoolImpl pool;
    final long id;
    final Task<T> task;
    final Duration timeout;
    /** The affinity key, or null for round-robin placement. */
    final Object key;
    /** Sends so far (1 after the first): tells a stale attempt's answer from the current one's. */
    volatile int attempts;
    /** Re-runs after its member left or died, at most the pool's retries. */
    volatile int retried;
    /** Re-sends after its member had left before the task arrived. */
    volatile int misroutes;
    /** The member of the current attempt. */
    volatile Member member;
    /**
     * Hazelcast's future of the current attempt, for cancelling it there; cleared once that
     * attempt has answered (nothing is left to cancel), because Hazelcast's future holds the
     * invocation and the task's serialized form, which a caller holding many finished futures
     * would otherwise keep alive (and the collector copy) for nothing.
     */
    volatile Future<T> remote;
    /** The task serialized, while it may wait in an {@link Outbox} or travel in a batch; null otherwise. */
    volatile Data wire;
    /** Whether the current attempt travels in a {@link BatchCall} (cancelled through {@link TaskControl}). */
    volatile boolean batched;
    /** 1 once a {@link TaskControl} was sent for it: a future ends once, so one is enough. */
    volatile int controlSent;
    /** The pending time-limit check, once started. */
    volatile ScheduledFuture<?> timeoutCheck;

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<ClusterFuture> CONTROL_SENT =
            AtomicIntegerFieldUpdater.newUpdater(ClusterFuture.class, "controlSent");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<ClusterFuture, Future> REMOTE =
            AtomicReferenceFieldUpdater.newUpdater(ClusterFuture.class, Future.class, "remote");

    ClusterFuture(ClusterPoolImpl pool, long id, Task<T> task, Duration timeout, Object key) {
        this.pool = pool;
        this.id = id;
        this.task = task;
        this.timeout = timeout;
        this.key = key;
    }

    /** Forgets {@code answered}, an attempt's future that completed, unless a later attempt replaced it. */
    void forget(Future<T> answered) {
        REMOTE.compareAndSet(this, answered, null);
    }

    /** Whether this call is the first to claim sending its {@link TaskControl}. */
    boolean claimControl() {
        return CONTROL_SENT.compareAndSet(this, 0, 1);
    }

    @Override
    protected void stopRunning() {
        pool.cancelRemote(this);
    }

    @Override
    protected void onEnding(Status finalStatus, boolean wasRunning) {
        pool.ending(this, finalStatus, wasRunning);
    }

    @Override
    protected void onDone(Status finalStatus, boolean wasRunning) {
        pool.ended(this);
    }
}
