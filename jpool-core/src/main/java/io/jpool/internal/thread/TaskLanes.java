package io.jpool.internal.thread;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread pool's queue: a few {@link TaskQueue}s ("lanes"), so that threads submitting at
 * the same time do not all claim indices on one cache line.
 *
 * <h2>Implementation overview</h2>
 * Each submitting thread offers to one lane, always the same: the tasks one thread submits start
 * in the order it submitted them. Lanes are handed out in turn to the threads as they first
 * submit, so two threads that submit at the same time get different lanes. A thread finds its lane
 * in a small table ({@link #owners}): the slot its thread id picks holds that id and the lane. The
 * first thread whose id picks a slot claims it (by CAS, with the next lane in turn) and keeps it;
 * a thread whose slot another thread holds uses the lane its id picks ({@code id % lanes}), also
 * for ever. So no thread ever changes lane, and a submit costs one read of a line that is written
 * only when a slot is claimed. (The lane by thread id alone would put two submitters in one lane
 * half the time, claiming on the same line; a thread-local lane costs a hash lookup and a
 * weak-reference read per submit.)
 *
 * <p>A worker polls from a lane of its own choosing first and then the others in turn, and moves
 * its first choice on every {@value #TURN} tasks, so no lane waits behind a busy one for long.
 * {@link #isEmpty} is true only when every lane is empty, so the pool's "look once more before
 * parking" still sees every task submitted before it looked. One lane on one CPU; two lanes per
 * two CPUs up to {@value #MAX_LANES}.
 */
final class TaskLanes {
    /** The most lanes a pool has, whatever the CPU count. */
    static final int MAX_LANES = 8;
    /** Tasks a worker takes before it moves its first choice of lane on. */
    static final int TURN = 64;

    /** Slots of the thread-to-lane table; a power of two. */
    static final int OWNER_SLOTS = 64;
    /** Bits of a table entry that hold the lane (MAX_LANES is 8). */
    private static final int LANE_BITS = 3;
    private static final VarHandle OWNER = MethodHandles.arrayElementVarHandle(long[].class);

    private final TaskQueue[] lanes;
    private final int mask;
    /**
     * By thread id modulo {@value #OWNER_SLOTS}: 0, or {@code (id + 1) << LANE_BITS | lane}. Each
     * slot is written once, by CAS from 0, by the first submitting thread whose id picks it.
     */
    private final long[] owners = new long[OWNER_SLOTS];
    /** Lanes handed out so far; the next thread to claim a slot gets this one modulo the lanes. */
    private final AtomicInteger handedOut = new AtomicInteger();

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
        lanes[mask == 0 ? 0 : laneOfThisThread()].offer(task);
    }

    /** The calling thread's lane: the same at every call from the same thread (see the overview). */
    @SuppressWarnings("deprecation") // getId: threadId() is JDK 19+, and they are the same number
    int laneOfThisThread() {
        long id = Thread.currentThread().getId();
        int slot = (int) id & (OWNER_SLOTS - 1);
        long e = (long) OWNER.getAcquire(owners, slot);
        if (e == 0) {
            long claim = (id + 1) << LANE_BITS | (handedOut.getAndIncrement() & mask);
            e = (long) OWNER.compareAndExchange(owners, slot, 0L, claim);
            if (e == 0) {
                e = claim;
            }
        }
        return e >>> LANE_BITS == id + 1 ? (int) e & mask : (int) id & mask;
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
