package io.jpool.internal.thread;

/**
 * The thread pool's queue: a few {@link TaskQueue}s ("lanes"), so that threads submitting at
 * the same time do not all claim indices on one cache line.
 *
 * <h2>Implementation overview</h2>
 * Each submitting thread offers to the lane its thread id picks (ids are handed out in turn, so
 * threads started one after another get different lanes), always the same one: the tasks one
 * thread submits start in the order it submitted them. The id is a field of the thread; a
 * thread-local lane cost a submit a hash lookup and a weak-reference read, ~10 ns of ~40.
 * A worker polls from a lane of its own choosing first and then the others in turn, and moves its first choice on every {@value #TURN} tasks, so no lane waits
 * behind a busy one for long. {@link #isEmpty} is true only when every lane is empty, so the
 * pool's "look once more before parking" still sees every task submitted before it looked.
 * One lane on one CPU; two lanes per two CPUs up to {@value #MAX_LANES}.
 */
final class TaskLanes {
    /** The most lanes a pool has, whatever the CPU count. */
    static final int MAX_LANES = 8;
    /** Tasks a worker takes before it moves its first choice of lane on. */
    static final int TURN = 64;

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
    @SuppressWarnings("deprecation") // getId: threadId() is JDK 19+, and they are the same number
    void offer(PooledTask<?> task) {
        lanes[mask == 0 ? 0 : (int) Thread.currentThread().getId() & mask].offer(task);
    }

    /**
     * The next task of the first lane that has one, looking from lane {@code first} on (any int:
     * it is taken modulo the lane count); null if every lane is empty.
     */
    PooledTask<?> poll(int first) {
        return take(first, true);
    }

    /**
     * {@link #poll(int)} if {@code awaitClaimed}; else the same by {@link TaskQueue#pollStored},
     * where null may mean an offer is still storing its task, so a caller must end with a
     * {@link #poll(int)} before it idles.
     */
    PooledTask<?> take(int first, boolean awaitClaimed) {
        for (int i = 0; i <= mask; i++) {
            PooledTask<?> t = lanes[(first + i) & mask].take(awaitClaimed);
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
