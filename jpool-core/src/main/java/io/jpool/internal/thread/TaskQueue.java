package io.jpool.internal.thread;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The thread pool's queue: an unbounded lock-free FIFO of {@link PooledTask}s in a chain of
 * fixed-size array segments.
 *
 * <h2>Implementation overview</h2>
 * Every task has an index. {@link #offer} claims the next one with an atomic add on
 * {@code putIndex} (it never fails or retries, however many threads submit), finds the segment
 * of that index (linking a new segment at the end when the index is the first of its segment)
 * and stores the task in its slot with a volatile write. {@link #poll} reads {@code takeIndex},
 * reads that slot, and takes the task by a CAS of {@code takeIndex} to the next index. Taken
 * slots are cleared a cache line at a time ({@link #taken}), and the rest when the queue runs
 * empty ({@link #releaseTaken}), so the queue keeps no taken task alive for long. A slot still empty
 * below {@code putIndex} belongs to an offer between its claim and its store: the poll waits
 * for it (spinning, then yielding, for the offer may have been preempted), so null from
 * {@code poll} means no offer is under way. The workers' hot loops use {@link #pollStored},
 * which does not wait and never reads {@code putIndex}: when the workers keep pace with a
 * submitter, a read of that line on each empty look would make every submit's atomic add wait
 * for the line to come back. They end with a {@code poll} before they park.
 *
 * <p>Why arrays rather than a linked list of tasks: a submit then writes only into a slot array
 * (sixteen slots to a cache line), never into the task submitted before it, which a worker has
 * just taken and written to; a submitter that a worker keeps pace with would otherwise take a
 * cache miss on every task. And a long queue is a set of arrays that the GC scans in parallel,
 * not one chain of a million links that it must follow one by one.
 *
 * <p>Segments are found by walking forward from a hint ({@code putSegment}, {@code takeSegment}),
 * read before the index is, so the hint is never past the index's segment. A segment is dropped
 * once both hints moved past it. Tasks are never taken out of the middle: a cancelled task stays
 * until its turn and is then skipped by whoever took it ({@link #isEmpty} drops such tasks).
 * {@code takeIndex} and {@code putIndex} live on cache lines of their own
 * ({@link TaskQueueFields}).
 */
final class TaskQueue extends TaskQueueFields.Tail {
    /** Slots per segment; a power of two. */
    static final int SEGMENT_SIZE = 1024;
    private static final int MASK = SEGMENT_SIZE - 1;
    /** Slots per cache line (64 bytes of compressed references), less one. */
    private static final int LINE_MASK = 15;

    private static final VarHandle TAKE_INDEX;
    private static final VarHandle PUT_INDEX;
    private static final VarHandle TAKE_SEGMENT;
    private static final VarHandle PUT_SEGMENT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(PooledTask[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAKE_INDEX = l.findVarHandle(TaskQueueFields.Head.class, "takeIndex", long.class);
            TAKE_SEGMENT = l.findVarHandle(TaskQueueFields.Head.class, "takeSegment", Segment.class);
            PUT_INDEX = l.findVarHandle(TaskQueueFields.Tail.class, "putIndex", long.class);
            PUT_SEGMENT = l.findVarHandle(TaskQueueFields.Tail.class, "putSegment", Segment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@link #SEGMENT_SIZE} slots, for the indices from {@code first} on. */
    static final class Segment {
        private static final VarHandle NEXT;

        static {
            try {
                NEXT = MethodHandles.lookup().findVarHandle(Segment.class, "next", Segment.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long first;
        /**
         * The slots; null once every index of the segment was taken. A segment that lived long
         * enough to be promoted to the old generation keeps the segments after it reachable
         * through {@code next} until an old collection (the walk from a stale hint needs that
         * link), so a dead segment lets go of its 4 KB array and costs young collections 24
         * bytes, not the array, nor the chain of arrays behind it. Set to null once, by the taker
         * of the last index; read without a fence: a stale array holds only taken or cleared
         * slots there, and the take's CAS on the index decides.
         */
        PooledTask<?>[] slots = new PooledTask<?>[SEGMENT_SIZE];
        /** Linked once, by CAS, by the first offer (or walk) that needs the next segment. */
        volatile Segment next;

        Segment(long first) {
            this.first = first;
        }

        /** The segment after this one, linked now if no one did yet. */
        Segment nextOrLink() {
            Segment n = next;
            if (n == null) {
                Segment fresh = new Segment(first + SEGMENT_SIZE);
                n = (Segment) NEXT.compareAndExchange(this, null, fresh);
                if (n == null) {
                    n = fresh;
                }
            }
            return n;
        }
    }

    TaskQueue() {
        Segment s = new Segment(0);
        takeSegment = s;
        putSegment = s;
    }

    void offer(PooledTask<?> task) {
        Segment start = putSegment; // read before the claim: at or before the claimed index's segment
        long i = (long) PUT_INDEX.getAndAdd(this, 1L);
        Segment s = start;
        while (i - s.first >= SEGMENT_SIZE) {
            s = s.nextOrLink();
        }
        // A release store is enough: the claim above is the write a worker going idle must see.
        // It publishes itself (idle stack, spin flag) and then polls; a poll that finds this slot
        // still empty reads putIndex, sees the claim and waits for the store. The submit reads
        // the idle stack and spin flag after its claim, so one of the two sees the other's write.
        // (A volatile store here would wait for the slot's cache line, which a worker reading
        // the slot before it may just have taken, before the submit could go on.)
        SLOT.setRelease(s.slots, (int) (i & MASK), task);
        if (s != start) {
            advance(PUT_SEGMENT, s);
        }
    }

    /**
     * The next task (perhaps one already cancelled), or null if the queue is empty: no task in
     * it and no offer between its claim and its store.
     */
    PooledTask<?> poll() {
        return take(true);
    }

    /**
     * The next task if one is stored, else null, even when an offer has claimed the next index
     * and not stored its task yet. Unlike {@link #poll} it never reads {@code putIndex}: the
     * workers' hot loops call it, and a read of the submitters' line for every empty look would
     * make the next submit's claim wait for that line to come back. Whoever uses it must end
     * with a {@link #poll} before it decides the queue is empty.
     */
    PooledTask<?> pollStored() {
        return take(false);
    }

    /** {@link #poll} if {@code awaitClaimed}, else {@link #pollStored}. */
    PooledTask<?> take(boolean awaitClaimed) {
        for (int waited = 0;;) {
            Segment start = takeSegment; // before the index: never past its segment
            long c = takeIndex;
            Segment s = segmentOf(start, c);
            if (s != start && s != null) {
                advance(TAKE_SEGMENT, s);
            }
            PooledTask<?> t = taskAt(s, c);
            if (t == null) {
                if (!awaitClaimed) {
                    if (c == takeIndex) {
                        return null; // nothing stored yet
                    }
                } else if (c >= putIndex) {
                    return null;
                } else if (c == takeIndex) {
                    waited = awaitOffer(waited); // an offer claimed c and is about to store its task
                }
                continue; // else taken meanwhile (its segment may have died): read the index again
            }
            if (TAKE_INDEX.compareAndSet(this, c, c + 1)) {
                taken(s, (int) (c & MASK));
                return t;
            }
            Thread.onSpinWait(); // another worker took it: back off a moment rather than fight for the line
        }
    }

    /** Tasks offered so far (claimed indices). */
    long offered() {
        return putIndex;
    }

    /** True if no task waits to start; tasks that ended while queued are dropped on the way. */
    boolean isEmpty() {
        for (;;) {
            Segment start = takeSegment; // before the index: never past its segment
            long c = takeIndex;
            Segment s = segmentOf(start, c);
            PooledTask<?> t = taskAt(s, c);
            if (t == null) {
                // only now the submitters' line: a stored task answers without it
                if (c >= putIndex) {
                    return true;
                }
                if (c == takeIndex) {
                    return false; // an offer is storing it now: a task is coming
                }
                continue; // taken meanwhile: look at the next one
            }
            if (!t.isDone()) {
                return false;
            }
            dropEnded(s, c);
        }
    }

    /**
     * Drops the task at index {@code c} of segment {@code s}, seen done there: it ended while
     * queued (cancelled, or run inline by a waiting worker) and nobody will run it. With the CAS
     * a poll takes it with, so only if {@code c} is still the next index: if a worker took it
     * meanwhile (and ran it, which is why it is done), the next task is a later one and stays.
     */
    void dropEnded(Segment s, long c) {
        if (TAKE_INDEX.compareAndSet(this, c, c + 1)) {
            taken(s, (int) (c & MASK));
        }
    }

    /**
     * Slot {@code k} of {@code s} was taken. Slots are cleared a cache line at a time, by whoever
     * took the line's last one: clearing each slot as it is taken would pull the line away from
     * an offer storing into the next slot of the same line, a miss on both sides for every task
     * when the workers keep pace with a submitter. The slots of a line still being taken are
     * cleared when the queue runs empty ({@link #releaseTaken}).
     */
    private static void taken(Segment s, int k) {
        if ((k & LINE_MASK) == LINE_MASK) {
            PooledTask<?>[] slots = s.slots;
            if (slots == null) {
                return; // the segment's last index was taken (and its array dropped) first
            }
            for (int j = k - LINE_MASK; j <= k; j++) {
                SLOT.setOpaque(slots, j, null);
            }
            if (k == MASK) {
                s.slots = null; // every index of the segment is taken: see Segment.slots
            }
        }
    }

    /**
     * Clears the taken slots of the line being taken, so that a queue gone idle keeps no task
     * (and no result of one) reachable. Called by a worker about to park; writes only slots below
     * the take index, where no offer stores any more.
     */
    void releaseTaken() {
        Segment start = takeSegment;
        long c = takeIndex;
        Segment s = segmentOf(start, c);
        if (s == null) {
            return; // the segment of c is not linked yet: its line holds no taken task
        }
        int k = (int) (c & MASK);
        PooledTask<?>[] slots = s.slots;
        if (slots == null) {
            return; // taken to its end meanwhile
        }
        for (int j = k & ~LINE_MASK; j < k; j++) {
            SLOT.setOpaque(slots, j, null);
        }
    }

    /**
     * The task stored at index {@code c} of its segment {@code s}, or null: not stored yet, the
     * segment not linked yet (s null), or taken meanwhile (its slot cleared, its segment dead).
     */
    private static PooledTask<?> taskAt(Segment s, long c) {
        PooledTask<?>[] slots = s == null ? null : s.slots;
        return slots == null ? null : (PooledTask<?>) SLOT.getVolatile(slots, (int) (c & MASK));
    }

    /** The segment of index {@code c}, walking on from {@code s}; null if not linked yet. */
    private static Segment segmentOf(Segment s, long c) {
        while (s != null && c - s.first >= SEGMENT_SIZE) {
            s = s.next;
        }
        return s;
    }

    /** Moves a hint on to {@code to} unless it is already there or further. */
    private void advance(VarHandle hint, Segment to) {
        for (Segment h; (h = (Segment) hint.getVolatile(this)).first < to.first; ) {
            if (hint.compareAndSet(this, h, to)) {
                return;
            }
        }
    }

    /** One step of waiting for an offer that claimed an index to store its task. */
    private static int awaitOffer(int waited) {
        if (waited < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield(); // the offer's thread was preempted between its claim and its store
        }
        return waited + 1;
    }
}
