package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;

import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A member's start reports ("task {@code id} of pool {@code P} started"), sent only for a task
 * still running {@link #DELAY_MICROS} after it started: a report per task would cost a tiny task
 * one more message, while its result tells the caller as much.
 *
 * <p>How it works: each thread that runs cluster tasks has a {@link Slot}, found through a
 * thread-local and listed once in {@link #SLOTS}. {@link #begin} puts the task's {@link Running}
 * record in its thread's slot and {@link #end} takes it out: one volatile write each, no lock, so
 * a member's executor threads never contend here (a timer queue per task did, and woke its thread
 * for every task). One scanner thread per JVM reports each record that has been in its slot
 * {@link #DELAY_MICROS}, once: it sleeps until the first report is due, and, when every running
 * task has been reported (long tasks) or none runs, until a {@code begin} wakes it (a volatile
 * read per {@code begin}, an unpark only then). The first {@code begin} starts the scanner, which ends after a
 * second without tasks (the next {@code begin} starts another), so nothing lingers in a JVM that
 * stopped running tasks.
 */
final class StartSignals {
    private static final System.Logger LOG = System.getLogger("io.jpool.hazelcast");
    /** How long a task runs before its start is reported. */
    static final long DELAY_MICROS = 1_000;
    private static final long DELAY_NANOS = TimeUnit.MICROSECONDS.toNanos(DELAY_MICROS);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final ConcurrentLinkedQueue<Slot> SLOTS = new ConcurrentLinkedQueue<>();
    private static final ThreadLocal<Slot> MINE = ThreadLocal.withInitial(() -> {
        Slot s = new Slot(Thread.currentThread());
        SLOTS.add(s);
        return s;
    });
    /** Whether a scanner runs or is being started; {@link #begin} and the scanner's exit race on it. */
    private static final AtomicBoolean SCANNING = new AtomicBoolean();
    /** Scanner passes so far, for tests (written by the scanner thread only). */
    static volatile long passes;
    /** The scanner thread, once started. */
    private static volatile Thread SCANNER;
    /** Whether the scanner sleeps until a task begins (nothing left to report). */
    private static volatile boolean ASLEEP;

    private StartSignals() {
    }

    /** One task running on a member thread. */
    static final class Running {
        final Slot slot;
        final Running outer;
        final HazelcastInstance member;
        final UUID pool;
        final long id;
        final long startNanos;
        /** Read and written by the scanner thread only. */
        boolean reported;

        Running(Slot slot, Running outer, HazelcastInstance member, UUID pool, long id) {
            this.slot = slot;
            this.outer = outer;
            this.member = member;
            this.pool = pool;
            this.id = id;
            this.startNanos = System.nanoTime();
        }
    }

    /** What one thread is running; written by that thread, read by the scanner. */
    static final class Slot {
        final Thread owner;
        volatile Running current;

        Slot(Thread owner) {
            this.owner = owner;
        }
    }

    /** The topic on which the members report the starts of pool {@code pool}'s tasks. */
    static String topic(UUID pool) {
        return "jpool.started." + pool;
    }

    /** Notes that this thread starts task {@code id} of pool {@code pool}; pass the result to {@link #end}. */
    static Running begin(HazelcastInstance member, UUID pool, long id) {
        Slot s = MINE.get();
        Running r = new Running(s, s.current, member, pool, id);
        s.current = r;
        if (ASLEEP) {
            Thread scanner = SCANNER;
            ASLEEP = false;
            if (scanner != null) {
                LockSupport.unpark(scanner);
            }
        }
        if (!SCANNING.get() && SCANNING.compareAndSet(false, true)) {
            startScanner();
        }
        return r;
    }

    /** Notes that the task of {@code r} ended; a task that ended before its report needs none. */
    static void end(Running r) {
        r.slot.current = r.outer;
    }

    private static void startScanner() {
        Thread t = new Thread(StartSignals::scan, "jpool-member-start-signals");
        t.setDaemon(true);
        t.start();
    }

    private static void scan() {
        SCANNER = Thread.currentThread();
        long lastBusy = System.nanoTime();
        while (true) {
            passes++; // one writer: the scanner thread
            long now = System.nanoTime();
            long next = reportDue(now);
            if (next != NONE_RUNNING) {
                lastBusy = now;
            } else if (now - lastBusy >= IDLE_NANOS) {
                SCANNING.set(false);
                // A begin() that read SCANNING before the line above saw a scanner and started
                // none: look again, and keep scanning if its task is there (unless it just
                // started a scanner of its own).
                if (reportDue(now) == NONE_RUNNING || !SCANNING.compareAndSet(false, true)) {
                    return;
                }
                lastBusy = now;
                continue;
            }
            if (next >= 0) {
                LockSupport.parkNanos(Math.max(next - now, 1)); // until the first start is due
                continue;
            }
            // Nothing to report until a task begins: sleep until one does (begin() wakes us),
            // or until the idle time is up. Declared before looking again, as begin() publishes
            // its task before looking at ASLEEP: one of the two sees the other.
            ASLEEP = true;
            long again = reportDue(System.nanoTime());
            if (again >= 0) {
                ASLEEP = false;
                continue;
            }
            LockSupport.parkNanos(IDLE_NANOS);
            ASLEEP = false;
        }
    }

    /** What {@link #reportDue} returns when no task runs. */
    private static final long NONE_RUNNING = -2;
    /** What {@link #reportDue} returns when tasks run but all were reported. */
    private static final long ALL_REPORTED = -1;

    /**
     * Reports every task running for a delay or more and not reported yet. Returns when the next
     * report is due ({@code System.nanoTime()} based), or {@link #ALL_REPORTED} or
     * {@link #NONE_RUNNING}.
     */
    private static long reportDue(long now) {
        boolean any = false;
        long next = Long.MAX_VALUE;
        for (Iterator<Slot> it = SLOTS.iterator(); it.hasNext(); ) {
            Slot s = it.next();
            Running r = s.current;
            if (r == null) {
                if (!s.owner.isAlive()) {
                    it.remove();
                }
                continue;
            }
            any = true;
            for (; r != null; r = r.outer) {
                if (!r.reported) {
                    long due = r.startNanos + DELAY_NANOS;
                    if (now - due >= 0) {
                        r.reported = true;
                        report(r);
                    } else if (next == Long.MAX_VALUE || due - next < 0) {
                        next = due;
                    }
                }
            }
        }
        return !any ? NONE_RUNNING : next == Long.MAX_VALUE ? ALL_REPORTED : next;
    }

    private static void report(Running r) {
        try {
            if (r.member.getLifecycleService().isRunning()) {
                r.member.<Long>getTopic(topic(r.pool)).publishAsync(r.id);
            }
        } catch (RuntimeException e) {
            // The member is stopping: the caller learns the outcome from the task's result instead.
            LOG.log(System.Logger.Level.DEBUG, "reporting the start of task " + r.id + " failed", e);
        }
    }
}
