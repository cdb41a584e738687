package io.jpool.hazelcast;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A member's record of the batched tasks it holds ({@link BatchCall}), so that one task of a
 * batch can be cancelled or interrupted ({@link TaskControl}) without touching the others: the
 * batch is one Hazelcast operation, whose own cancel would stop all of them.
 *
 * <p>How it works: one map per JVM, keyed by pool and task id, of a {@link Slot} whose state moves
 * by CAS: QUEUED (the batch arrived; registered when Hazelcast deserializes it, before it waits
 * in the executor's queue) -> RUNNING -> DONE, or QUEUED -> CANCELLED, which the batch finds when
 * it reaches the task and skips it. A cancel that finds no slot (it overtook its batch, or the
 * task already ended) leaves a CANCELLED tombstone: a batch arriving later skips the task, and
 * tombstones older than {@link #TOMBSTONE_NANOS} (far longer than a batch can lag its cancel,
 * which is sent after it) are swept. An interrupt of a RUNNING task goes RUNNING -> INTERRUPTING
 * -> INTERRUPTED around {@code Thread.interrupt()}; the runner, ending the task, waits out
 * INTERRUPTING and clears its flag, so an interrupt meant for one task never hits the next one
 * the same thread runs.
 */
final class MemberTasks {
    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int CANCELLED = 3;
    static final int INTERRUPTING = 4;
    static final int INTERRUPTED = 5;

    /** What {@link #cancel} found: the task will never run. */
    static final int ANSWER_NEVER_RUNS = 0;
    /** What {@link #cancel} found: the task was running (and was interrupted if asked). */
    static final int ANSWER_RUNNING = 1;

    private static final long TOMBSTONE_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final int SWEEP_AT = 1024;

    private static final Map<Key, Slot> TASKS = new ConcurrentHashMap<>();
    private static final AtomicInteger TOMBSTONES = new AtomicInteger();
    /** Batches that reached a member of this JVM: for tests, which count operations. */
    private static final AtomicLong BATCHES = new AtomicLong();

    private MemberTasks() {
    }

    record Key(UUID pool, long id) {
    }

    /** One batched task on this member. */
    static final class Slot {
        final AtomicInteger state;
        final long since = System.nanoTime();
        /** Left by a cancel that found no slot: swept once old. */
        final boolean tombstone;
        volatile Thread runner;

        Slot(int state, boolean tombstone) {
            this.state = new AtomicInteger(state);
            this.tombstone = tombstone;
        }
    }

    /** Notes the arrival of a batch of {@code ids}; a task already cancelled keeps its tombstone. */
    static void arrived(UUID pool, long[] ids) {
        BATCHES.incrementAndGet();
        for (long id : ids) {
            TASKS.putIfAbsent(new Key(pool, id), new Slot(QUEUED, false));
        }
    }

    /** Claims task {@code id} for this thread to run now; null if it was cancelled (skip it). */
    static Slot claim(UUID pool, long id) {
        Key k = new Key(pool, id);
        Slot s = TASKS.computeIfAbsent(k, x -> new Slot(QUEUED, false));
        if (s.state.get() == QUEUED) {
            s.runner = Thread.currentThread(); // before the CAS that lets a cancel see it running
            if (s.state.compareAndSet(QUEUED, RUNNING)) {
                return s;
            }
        }
        if (TASKS.remove(k, s) && s.tombstone) {
            TOMBSTONES.decrementAndGet();
        }
        return null;
    }

    /**
     * Forgets task {@code id}, handed back unrun: true, or false if it was cancelled meanwhile
     * (its cancel's answer already said it never runs).
     */
    static boolean handBack(UUID pool, long id) {
        Key k = new Key(pool, id);
        Slot s = TASKS.get(k);
        if (s == null || s.state.compareAndSet(QUEUED, DONE)) {
            if (s != null) {
                TASKS.remove(k, s);
            }
            return true;
        }
        if (TASKS.remove(k, s) && s.tombstone) {
            TOMBSTONES.decrementAndGet();
        }
        return false;
    }

    /** Ends a claimed task: waits out an interrupt being delivered and clears it from this thread. */
    static void finish(UUID pool, long id, Slot s) {
        if (!s.state.compareAndSet(RUNNING, DONE)) {
            while (s.state.get() == INTERRUPTING) {
                Thread.onSpinWait();
            }
            Thread.interrupted(); // meant for this task, which has ended
        }
        TASKS.remove(new Key(pool, id), s);
    }

    /**
     * Cancels task {@code id}: one that has not started never will; a running one is interrupted
     * if {@code interrupt}. Returns {@link #ANSWER_NEVER_RUNS} or {@link #ANSWER_RUNNING}.
     */
    static int cancel(UUID pool, long id, boolean interrupt) {
        Key k = new Key(pool, id);
        for (;;) {
            Slot s = TASKS.get(k);
            if (s == null) {
                Slot tomb = new Slot(CANCELLED, true);
                if (TASKS.putIfAbsent(k, tomb) == null) {
                    if (TOMBSTONES.incrementAndGet() >= SWEEP_AT) {
                        sweep();
                    }
                    return ANSWER_NEVER_RUNS;
                }
                continue;
            }
            int st = s.state.get();
            if (st == QUEUED) {
                if (s.state.compareAndSet(QUEUED, CANCELLED)) {
                    return ANSWER_NEVER_RUNS;
                }
            } else if (st == CANCELLED) {
                return ANSWER_NEVER_RUNS;
            } else if (st == RUNNING) {
                if (!interrupt) {
                    return ANSWER_RUNNING;
                }
                if (s.state.compareAndSet(RUNNING, INTERRUPTING)) {
                    s.runner.interrupt();
                    s.state.set(INTERRUPTED);
                    return ANSWER_RUNNING;
                }
            } else {
                return ANSWER_RUNNING; // ended or being interrupted already
            }
        }
    }

    /** Drops tombstones old enough that no batch can still bring their task. */
    private static void sweep() {
        long now = System.nanoTime();
        TASKS.entrySet().removeIf(e -> {
            Slot s = e.getValue();
            boolean old = s.tombstone && now - s.since > TOMBSTONE_NANOS;
            if (old) {
                TOMBSTONES.decrementAndGet();
            }
            return old;
        });
    }

    /** For tests: batches that reached members of this JVM so far. */
    static long batchesReceived() {
        return BATCHES.get();
    }

    /** For tests: tasks of batches (and tombstones) this JVM's members hold now. */
    static int held() {
        return TASKS.size();
    }
}
