package io.jpool.internal.thread;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread pool's queue: a few {@link TaskQueue}s ("lanes"), so that threads submitting at
 * the same time do not all claim indices on one cache line.
 *
 * <h2>Implementation overview</h2>
 * Each submitting thread is given a lane the first time it submits (round robin over all
 * threads, kept in a thread-local), and always offers there: the tasks one thread submits start
 * in the order it submitted them. A worker polls from a lane of its own choosing first and then
 * the others in turn, and moves its first choice on every {@value #TURN} tasks, so no lane waits
 * behind a busy one for long. {@link #isEmpty} is true only when every lane is empty, so the
 * pool's "look once more before parking" still sees every task submitted before it looked.
 * One lane on one CPU; two lanes per two CPUs up to {@value #MAX_LANES}.
 */
final class TaskLanes {
    /** The most lanes a pool has, whatever the CPU count. */
    static final int MAX_LANES = 8;
    /** Tasks a worker takes before it moves its first choice of lane on. */
    static final int TURN = 64;
    private static final AtomicInteger NEXT_LANE = new AtomicInteger();
    /** The lane number of this thread, in every pool (taken modulo the pool's lane count). */
    private static final ThreadLocal<Integer> LANE = ThreadLocal.withInitial(() -> NEXT_LANE.getAndIncrement() & 127);

    private final TaskQueue[] lanes;
    private final int mask;

    TaskLanes(int cpus) {
        int n = Integer.highestOneBit(Math.max(1, Math.min(cpus, MAX_LANES)));
        lanes = new TaskQueue[n];
        for (int i = 0; i < n; i++) {
            lanes[i] = new TaskQueue();
        }
        mask = n - 1;
    }

    /** The number of lanes. */
    int lanes() {
        return lanes.length;
    }

    /** Queues {@code task} in the calling thread's lane. */
    void offer(PooledTask<?> task) {
        lanes[mask == 0 ? 0 : LANE.get() & mask].offer(task);
    }

    /**
     * The next task of the first lane that has one, looking from lane {@code first} on (any int:
     * it is taken modulo the lane count); null if every lane is empty.
     */
    PooledTask<?> poll(int first) {
        for (int i = 0; i <= mask; i++) {
            PooledTask<?> t = lanes[(first + i) & mask].poll();
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** {@link #poll(int)} from the first lane: for drains, where the order of lanes is no matter. */
    PooledTask<?> poll() {
        return poll(0);
    }

    /**
     * Tasks offered so far, in all lanes (an offer counts once it claimed its index): the pool's
     * count of submitted tasks, kept by the queue for free rather than by a counter of its own.
     */
    long offered() {
        long n = 0;
        for (TaskQueue q : lanes) {
            n += q.offered();
        }
        return n;
    }

    /** Lets go of the taken tasks the lanes still hold; see {@link TaskQueue#releaseTaken}. */
    void releaseTaken() {
        for (TaskQueue q : lanes) {
            q.releaseTaken();
        }
    }

    /** True if no task waits to start in any lane (ended tasks are dropped on the way). */
    boolean isEmpty() {
        for (TaskQueue q : lanes) {
            if (!q.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
