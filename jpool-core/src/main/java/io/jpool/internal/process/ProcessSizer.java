package io.jpool.internal.process;

import io.jpool.AdaptiveStats;
import io.jpool.internal.util.ThreadFactories;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Feeds an adaptive process pool's {@link ProcessSizing} from the live pool, on a daemon thread of
 * its own, never on the submit path.
 *
 * <h2>How it works</h2>
 * Every {@link #TICK_NANOS} the ticker takes a {@link View} of the pool (under the pool's lock:
 * which workers serve, which of them hold a task, how many tasks each has run, how many are
 * queued and how many ended in all), then, outside the lock, reads each worker's CPU time from
 * the OS ({@link ProcessHandle.Info#totalCpuDuration()}, so the worker protocol is unchanged) and
 * its RSS, the machine's available memory and how crowded its CPUs are ({@link MachineProbe}).
 * Busy time is sampled: a worker seen holding a task at a tick counts the whole tick as busy,
 * and its CPU time since the last tick as the task's, which over many ticks and workers averages
 * out; an idle worker's CPU time (its JVM's own threads) counts nowhere. When the policy's
 * target rose, the ticker has the pool dispatch at once (waiting workers take tasks). A worker
 * seen idle twice with no task run in between has been idle since the first sighting; those past
 * the policy's idle limit (or above the target) are handed to the pool to retire if still idle.
 * The pool asks {@link #mayStart} under its lock before it starts a worker, and calls
 * {@link #started} after releasing it: that brings the ticker back if it had stopped, with a
 * fresh memory reading, and has the pool dispatch again (the policy starts no second worker on an
 * old reading). The ticker stops once the pool has no worker and no queued task, or terminated,
 * and looks once more after letting go of its flag, so a worker started meanwhile always has one.
 */
final class ProcessSizer {
    /** How often the sizer looks at the pool. */
    static final long TICK_NANOS = Duration.ofMillis(200).toNanos();
    /** How long the policy sums samples before it judges the work. */
    static final long WINDOW_NANOS = Duration.ofSeconds(1).toNanos();
    /** A worker's RSS until one is measured (where /proc does not tell): a small JVM after some work. */
    static final long RSS_ESTIMATE_BYTES = 256L << 20;

    /** What the sizer sees of one serving worker. */
    record WorkerState(WorkerLink link, boolean busy, int tasksRun) {
    }

    /**
     * What the sizer sees of the pool at a tick.
     *
     * @param serving workers ready for tasks (not starting, not retiring)
     * @param workers workers alive or starting
     * @param queued  tasks waiting for a worker
     * @param ended   tasks that ended so far, with a result or an exception
     * @param quiet   no worker and no queued task: the ticker may stop
     */
    record View(List<WorkerState> serving, int workers, long queued, long ended, boolean quiet) {
    }

    /** What the sizer needs from its pool. */
    interface Pool {
        /** The pool now (taken under its lock). */
        View sizerView();

        /** Retires each of {@code workers} still idle, while more than {@code keep} workers remain. */
        void retireIfIdle(List<WorkerLink> workers, int keep);

        boolean isTerminated();

        /** Pairs queued tasks with workers again, starting those now allowed (the pool's lock not held). */
        void dispatch();
    }

    /** The ticker's memory of one worker. */
    private static final class Meter {
        long lastCpuNanos = -1;
        int lastTasksRun = -1;
        long idleSince = -1;
    }

    private final ProcessAdaptiveConfig config;
    private final ProcessSizing policy; // guarded by itself
    private final AtomicBoolean running = new AtomicBoolean();
    private final String threadName;
    private volatile MachineProbe probe = MachineProbe.system();
    private Pool pool;
    // ticker thread only:
    private final Map<WorkerLink, Meter> meters = new IdentityHashMap<>();
    private long cpuTotal;
    private long busyTotal;
    private long lastTick;

    ProcessSizer(ProcessAdaptiveConfig config, String threadName) {
        this.config = config;
        this.policy = new ProcessSizing(new ProcessSizing.Settings(config.min(), config.max(),
                Runtime.getRuntime().availableProcessors(), config.idleTimeoutNanos(), WINDOW_NANOS,
                RSS_ESTIMATE_BYTES));
        this.threadName = threadName;
    }

    /** Binds the pool (once, before any worker starts). */
    void bind(Pool pool) {
        this.pool = pool;
    }

    /** Replaces the machine's readings (tests: a machine short of memory). */
    void useProbe(MachineProbe probe) {
        this.probe = probe;
    }

    /** Whether one more worker may start, {@code workers} being alive or starting (the pool's lock held). */
    boolean mayStart(int workers) {
        synchronized (policy) {
            return policy.mayStart(workers);
        }
    }

    /** The most workers that may run tasks at once now (the pool's lock held). */
    int target() {
        synchronized (policy) {
            return policy.target();
        }
    }

    /** Reads the machine now (the pool's lock not held), so that several workers may start at once. */
    void readMachine() {
        long available = probe.availableBytes();
        synchronized (policy) {
            policy.memoryReading(available, -1);
        }
    }

    /** A worker is starting (the pool's lock not held): keeps the ticker running. */
    void started() {
        if (!running.get() && running.compareAndSet(false, true)) {
            readMachine(); // the pool woke: starts beyond the first waited for this
            Thread t = ThreadFactories.daemon(threadName, this::tickLoop);
            try {
                t.start();
            } catch (RuntimeException | Error e) {
                running.set(false); // no thread to be had: the pool runs unsized until the next start tries again
            }
            pool.dispatch();
        }
    }

    Optional<AdaptiveStats> stats() {
        synchronized (policy) {
            return Optional.of(policy.stats());
        }
    }

    private void tickLoop() {
        boolean clean = false;
        try {
            lastTick = System.nanoTime();
            tickUntilQuiet();
            clean = true;
        } finally {
            if (!clean) {
                running.set(false); // died of an Error: the next start brings a new ticker
            }
        }
    }

    private void tickUntilQuiet() {
        for (;;) {
            LockSupport.parkNanos(this, TICK_NANOS);
            if (pool.isTerminated()) {
                running.set(false);
                return;
            }
            View v = pool.sizerView();
            if (v.quiet()) {
                synchronized (policy) {
                    policy.wentQuiet();
                }
                running.set(false);
                meters.clear();
                // a worker may have started between the look and the flag: then take the flag back
                if (pool.isTerminated() || pool.sizerView().quiet() || !running.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                tick(v);
            } catch (RuntimeException | Error e) {
                // a tick that failed (an OutOfMemoryError while it read the machine, say) is dropped
                // and the next one tries again: a ticker that died would leave idle workers
                // unretired and the target unchanged until some worker start brought another
            }
        }
    }

    private void tick(View v) {
        long now = System.nanoTime();
        long interval = now - lastTick;
        lastTick = now;
        MachineProbe p = probe;
        Map<WorkerLink, Meter> seen = new IdentityHashMap<>();
        List<Map.Entry<WorkerLink, Meter>> idle = new ArrayList<>();
        int busy = 0;
        long rss = -1;
        for (WorkerState w : v.serving()) {
            Meter m = meters.computeIfAbsent(w.link(), k -> new Meter());
            seen.put(w.link(), m);
            long cpu = cpuNanos(w.link());
            if (cpu >= 0) {
                if (m.lastCpuNanos >= 0 && w.busy()) {
                    // only a busy worker's CPU time is set against busy time: an idle JVM's own
                    // threads (JIT, GC) would otherwise read as tasks that compute
                    cpuTotal += Math.max(0, cpu - m.lastCpuNanos);
                }
                m.lastCpuNanos = cpu;
            }
            if (w.busy()) {
                busy++;
                m.idleSince = -1;
            } else {
                if (m.idleSince < 0 || w.tasksRun() != m.lastTasksRun) {
                    m.idleSince = now;
                }
                idle.add(Map.entry(w.link(), m));
            }
            m.lastTasksRun = w.tasksRun();
            rss = Math.max(rss, p.rssBytes(w.link().pid));
        }
        meters.keySet().retainAll(seen.keySet());
        busyTotal += busy * interval;
        ProcessSizing.Sample s = new ProcessSizing.Sample(now, v.ended(), cpuTotal, busyTotal, v.queued(), v.workers(),
                busy, p.availableBytes(), rss, p.cpuContention());
        idle.sort(Comparator.comparingLong(e -> e.getValue().idleSince)); // longest idle first
        List<WorkerLink> retire = new ArrayList<>();
        boolean changed;
        synchronized (policy) {
            changed = policy.onTick(s);
            int workers = v.workers();
            for (Map.Entry<WorkerLink, Meter> e : idle) {
                if (policy.retires(now - e.getValue().idleSince, workers)) {
                    retire.add(e.getKey());
                    workers--;
                }
            }
        }
        if (!retire.isEmpty()) {
            pool.retireIfIdle(retire, config.min());
        }
        if (changed) {
            pool.dispatch(); // a higher target puts waiting workers to work, or starts more, now
        }
    }

    /** CPU time the worker's process used so far; -1 where the OS does not tell. */
    private static long cpuNanos(WorkerLink w) {
        return w.process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
}
