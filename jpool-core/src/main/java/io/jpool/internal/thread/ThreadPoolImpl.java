package io.jpool.internal.thread;

import io.jpool.AdaptiveStats;
import io.jpool.BrokenPoolException;
import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.Task;
import io.jpool.ThreadPool;
import io.jpool.internal.adaptive.AdaptiveSample;
import io.jpool.internal.adaptive.AdaptiveSizing;
import io.jpool.internal.adaptive.TaskSampler;
import io.jpool.internal.jfr.JfrEvents;
import io.jpool.internal.jfr.ThreadTaskRun;
import io.jpool.internal.pool.AbstractPool;
import io.jpool.internal.pool.TaskCounters;
import io.jpool.internal.util.Durations;
import io.jpool.internal.util.Spin;
import io.jpool.internal.util.ThreadFactories;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link ThreadPool}.
 *
 * <h2>Implementation overview</h2>
 * <pre>
 *  submit() ─▶ [permit if bounded] ─▶ queue (lock-free FIFO of PooledTask) ─▶ wake an idle worker,
 *                                                                           or start one (< cap)
 *  Worker: loop { runQueued: poll queue ─▶ task.run() until empty } ; then poll SPIN_NANOS more
 *          (yielding now and then) if no other worker does, else push self on the idle stack,
 *          poll again (no lost wake-up), park up to keepAlive; retire if still idle.
 * </pre>
 *
 * <h3>Run states</h3>
 * Four monotonic fields (each only ever goes from unset to set) encode five states, as
 * {@code ThreadPoolExecutor}'s {@code ctl} does in one word:
 * <pre>
 *   RUNNING     !shutdown                        takes tasks
 *   SHUTDOWN    shutdown                         takes no task; the workers drain the queue
 *   STOPPING    stopping (then shutdown too)     queue cancelled, running tasks interrupted,
 *                                                a task that starts now is cancelled unrun
 *   BROKEN      broken != null (then shutdown)   queued tasks and every later submit fail
 *                                                with the BrokenPoolException
 *   TERMINATED  AbstractPool's latch open        shut down, no worker left, queue empty
 *
 *   RUNNING  ─▶ SHUTDOWN      shutdown() / close()
 *   RUNNING, SHUTDOWN ─▶ STOPPING        shutdownNow()
 *   any but TERMINATED ─▶ BROKEN          a worker's initializer threw (breakPool; it sets
 *                                        shutdown too, and may meet STOPPING: both flags hold)
 *   SHUTDOWN, STOPPING, BROKEN ─▶ TERMINATED   terminate(), by whoever sees shutdown with no
 *                                        worker and an empty queue: shutdown(), shutdownNow(),
 *                                        the last worker's exit, or a submit that took its task back
 * </pre>
 * A submit reads {@code broken} and {@code shutdown} before it queues ({@link #rejectIfClosed})
 * and again after: one that raced with the shutdown takes its task back if no worker started it.
 *
 * <h3>The coverage invariant (who runs a queued task)</h3>
 * <b>Every queued task is covered by a worker that will poll the queue after the task's index
 * was claimed.</b> A cover is one of:
 * <pre>
 *   (a) any worker not parked (busy, or on its way to idle): it polls again before it parks,
 *       and one that exits instead finds another cover for what is queued ({@link #workerExited})
 *   (b) the spinner: the one worker holding {@link #spinning}, polling before it goes idle
 *   (c) an idle worker that a submit popped off {@link #idle} and unparked
 *   (d) an almost-free worker: it finishes a task and then polls ({@link #almostFree}), claimed
 *       by one submit for its one task
 *   (e) a worker just started
 * </pre>
 * Each submit, after its offer, finds a cover for its own task ({@link #wakeOrStartWorker}, in
 * that order of preference: (b), (c), (a) when at the cap, (d), (c) again, (e)). It may skip
 * only when it can name the cover, or when its task is no longer PENDING: a task a worker
 * already started is not queued any more, so it needs none; these re-checks of the task's
 * status only avoid waking (or starting) a worker for nothing, and are kept for that.
 * <p>No cover is lost in a hand-over, because a worker gives one up only in this order: it
 * pushes itself on {@link #idle} <em>before</em> it clears {@link #spinning} and its almost-free
 * mark, and polls the queue once more <em>after</em> (with {@link TaskLanes#poll}, which waits
 * for claimed slots). The submit claims its index and then reads the flag and the stack; the
 * worker publishes itself and then reads the queue: one of the two sees the other (see
 * {@link TaskQueue#offer}). And a worker that holds the flag keeps it until the task it found
 * has started ({@link Worker#endSpin}), so a submit that sees the flag clear finds that task
 * started or its own still queued.
 * <p>The invariant is about liveness; growth comes from passing the wake-up on. The covers (b),
 * (c) and (e) are shared by every submit that counted on them, so such a worker, once the first
 * task it takes has started, wakes or starts another if more are queued
 * ({@link Worker#wakeForMore}); a burst thus grows the pool to the number of tasks queued (up
 * to the cap) after the submits stop, and a submit wakes at most one parked worker.
 *
 * <h3>Counters</h3>
 * No lock on the hot path: the queue is {@link TaskLanes} (a lane per submitting thread, each a
 * {@link TaskQueue} of array segments with an atomic add per submit), idle workers wait on a
 * {@link ConcurrentLinkedDeque} used as a LIFO stack (the most recently idle, cache-warm thread is
 * woken first), the worker count is one {@link AtomicInteger} bumped by CAS. No counter is
 * touched per task by two threads: the submitted count is the queue's own claimed indices, and
 * each worker counts its starts and ends in its own slots (summed by {@link #stats()}); only
 * tasks that end elsewhere (cancelled while queued, say) go to shared {@link LongAdder}s.
 *
 * <p>Workers are daemon threads: an {@link ExitGuard} keeps the JVM alive while tasks are queued
 * or running, and only then, for which each worker counts itself {@link #awake} except while parked.
 *
 * <p>Adaptive sizing ({@link #sizing}, null for a fixed size): the worker cap is
 * {@link #workerCap}, which a ticker thread ({@link AdaptiveSizing}) sets to its controller's
 * target. Submits start workers only below the cap; a worker above it retires between tasks
 * ({@link Worker#runQueuedSized}) or when woken idle, by taking itself off {@link #workerCount}
 * with a CAS so that no more than the excess retire; a retiring worker that leaves tasks queued
 * wakes or starts another ({@link #workerExited}), so a retirement never takes a cover away. A
 * fixed-size pool pays one read of the cap where it read maxWorkers, and a test of
 * {@code sizing} per drain of the queue.
 *
 * <h3>Who writes what</h3>
 * Each shared field says who writes it and how; fields of {@link Worker} without a note of
 * their own are read and written by that worker's thread only.
 */
public final class ThreadPoolImpl extends AbstractPool implements ThreadPool {
    private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();
    /** The worker this thread is (of any pool), for work helping; set once per thread. */
    private static final ThreadLocal<Worker> CURRENT_WORKER = new ThreadLocal<>();
    /** How long a worker that ran out of tasks polls before it parks; 0 on one CPU. */
    private static final long SPIN_NANOS = Spin.nanos(20_000L);
    private static final java.lang.invoke.VarHandle CURRENT;
    /** Slots of a worker's {@code counts}. */
    private static final int STARTED = 0;
    private static final int SUCCEEDED = 1;
    private static final int FAILED = 2;
    private static final int CANCELLED = 3;

    static {
        try {
            CURRENT = java.lang.invoke.MethodHandles.lookup().findVarHandle(Worker.class, "current", PooledTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadPoolConfig config;
    private final String namePrefix;
    private final ThreadFactory threadFactory;
    /** Offered to by submits; taken from by workers, and drained by shutdown, shutdownNow and breakPool. */
    private final TaskLanes queue = new TaskLanes(Runtime.getRuntime().availableProcessors());
    /**
     * Idle workers, most recent first: cover (c). A worker pushes itself ({@code idleOnce}) and
     * takes itself off; anyone who wakes a worker pops it (a submit, a worker passing the
     * wake-up on, shutdown, breakPool; the sizing ticker from the cold end).
     */
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    /**
     * Live workers, for shutdownNow and stats: added by whoever starts one, removed (under
     * {@link #statsLock}) by the worker as it exits.
     */
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    /**
     * Workers started and not yet exited or retired: raised by CAS, never past {@link #workerCap},
     * by whoever starts one; lowered by an exiting worker, or by CAS by one that retires (the cap
     * may fall below it, and the excess then retires).
     */
    private final AtomicInteger workerCount = new AtomicInteger();
    /**
     * Workers not parked idle: started and not yet exited, less those parked in {@code idleOnce}.
     * Written only when a worker starts, parks, wakes or exits; read by the {@link #exitGuard}.
     */
    private final AtomicInteger awake = new AtomicInteger();
    /** Keeps the JVM alive while tasks are queued or running (the workers are daemon threads). */
    private final ExitGuard exitGuard;
    /**
     * 1 from when a worker begins to poll the queue before going idle ({@code Worker.spinForTask})
     * until it has started the task it found or is on the idle stack; else 0: cover (b). Set by
     * CAS by the spinning worker and cleared only by it ({@code Worker.spinHeld}).
     */
    private final AtomicInteger spinning = new AtomicInteger();
    /**
     * Workers that finished a task and will look at the queue before they park, less the submits
     * that claimed one: cover (d). Raised by a worker marking itself ({@code markAlmostFree}),
     * lowered by CAS by a submit's claim or by the worker clearing its mark (floored at 0, as a
     * submit may have claimed it first). So it may fall short of the marked workers (a clear can
     * take away another's mark), which costs at most a thread started early, but never exceeds
     * them: a claim always names a worker that will poll.
     */
    private final AtomicInteger almostFree = new AtomicInteger();
    /** Numbers the worker threads' names; raised by whoever starts one. */
    private final AtomicInteger threadNumbers = new AtomicInteger();
    /** Room in a bounded queue: taken by a submit, given back as its task starts or leaves. Null: unbounded. */
    private final Semaphore queueRoom;
    /** Tasks a worker ran itself when it submitted them to a full bounded queue: {@link #acquireRoom}. */
    private final LongAdder ranAtSubmit = new LongAdder();
    /** Set once by the first shutdown (or break) that releases the blocked submitters. */
    private final java.util.concurrent.atomic.AtomicBoolean submittersReleased = new java.util.concurrent.atomic.AtomicBoolean();
    private final TaskCounters counters = new TaskCounters();
    /**
     * Tasks that left the queue other than by a worker's start (ended while pending, or run by
     * {@code run()}), plus the starts of exited workers; queued = submitted - this - the live
     * workers' starts.
     */
    private final LongAdder leftQueue = new LongAdder();
    /**
     * Makes stats() (write side) and an exiting worker's hand-over of its counts (read side)
     * exclusive, but not the exits among themselves: an adaptive pool that shrinks from hundreds
     * of workers on crowded CPUs has them all exit at once, and a lock handed from one preempted
     * exiting thread to the next made them (and the sizing ticks' stats()) queue for seconds.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock statsLock =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    /** Run state BROKEN: set once, by CAS, by the worker whose initializer threw ({@link #breakPool}). */
    private final AtomicReference<BrokenPoolException> broken = new AtomicReference<>();
    /** Not RUNNING: set (never cleared) by shutdown, shutdownNow or breakPool, from any thread. */
    private volatile boolean shutdown;
    /** Run state STOPPING: set by shutdownNow before it looks at what the workers run. */
    private volatile boolean stopping;
    /**
     * When each task was queued, kept only while a recording wants {@link ThreadTaskRun}; weak keys,
     * so a task cancelled in the queue leaves nothing behind.
     */
    private final java.util.Map<PooledTask<?>, Long> jfrQueuedAt =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    /** Null unless adaptive. */
    private final AdaptiveSizing sizing;
    /** The most workers to run now: maxWorkers, or an adaptive pool's target, written by its ticker thread. */
    private volatile int workerCap;

    public ThreadPoolImpl(ThreadPoolConfig config) {
        this.config = config;
        this.namePrefix = config.threadNamePrefix() != null ? config.threadNamePrefix()
                : "jpool-" + POOL_NUMBERS.incrementAndGet();
        this.threadFactory = config.virtualThreads() ? ThreadFactories.virtual() : ThreadFactories.platform();
        this.queueRoom = config.queueCapacity() == Integer.MAX_VALUE ? null : new Semaphore(config.queueCapacity());
        this.exitGuard = new ExitGuard(namePrefix + "-exit-guard", this::isQuiet);
        if (config.adaptive() != null) {
            this.sizing = new AdaptiveSizing(config.adaptive(), namePrefix + "-sizing");
            this.workerCap = sizing.target();
            sizing.bind(new SizedPool());
        } else {
            this.sizing = null;
            this.workerCap = config.maxWorkers();
        }
    }

    /**
     * No task queued and no worker awake (a running task's worker is awake). The queue first: a
     * worker wakes before it takes a task, so a task taken after this look has its worker awake
     * at the next.
     */
    private boolean isQuiet() {
        return queue.isEmpty() && awake.get() == 0;
    }

    // ---------------------------------------------------------------- submit

    @Override
    public <T> PoolFuture<T> submit(Task<T> task, Duration timeout) {
        checkSubmit(task, timeout);
        return enqueue(PooledTask.of(this, task, timeout != null ? timeout : config.taskTimeout()));
    }

    // The ExecutorService doors take a JDK Callable or Runnable as it is, with no adapter object:
    // code typed as ExecutorService then costs what submit(Task) does (see PooledTask).

    @Override
    public <T> PoolFuture<T> submit(Callable<T> task) {
        checkSubmit(task, null);
        return enqueue(PooledTask.of(this, task, config.taskTimeout()));
    }

    @Override
    public PoolFuture<?> submit(Runnable task) {
        checkSubmit(task, null);
        return enqueue(PooledTask.ofRunnable(this, task, config.taskTimeout()));
    }

    @Override
    public void execute(Runnable command) {
        checkSubmit(command, null);
        enqueue(PooledTask.ofExecuted(this, command, config.taskTimeout()));
    }

    /** Queues a task made for this pool and finds a worker for it; the task's checks are done. */
    private <T> PoolFuture<T> enqueue(PooledTask<T> t) {
        if (queueRoom != null && !acquireRoom()) {
            ranAtSubmit.increment(); // before it starts: stats count it submitted, then started
            t.runInSubmittingWorker(ownWorker());
            return t;
        }
        if (JfrEvents.threadTaskEnabled()) {
            jfrQueuedAt.put(t, System.nanoTime()); // only while a recording wants ThreadTaskRun
        }
        queue.offer(t);
        exitGuard.workQueued(); // after the offer: see ExitGuard
        if (shutdown || broken.get() != null) {
            // raced with shutdown or a broken initializer: take the task back if no worker started it
            BrokenPoolException b = broken.get();
            if (b != null ? t.failIfPending(b) : t.cancel(false)) {
                // shutdown may have seen this task queued and so left termination to the workers,
                // of which there may be none: check again now that the task is done (and skipped)
                tryTerminate();
                if (b != null) {
                    throw b;
                }
                throw new RejectedExecutionException("the pool was shut down while this task was submitted");
            }
        }
        wakeOrStartWorker(t);
        return t;
    }

    @Override
    protected BrokenPoolException brokenBy() {
        return broken.get();
    }

    /**
     * Takes room in a bounded queue, waiting for it (backpressure: while queueCapacity tasks wait
     * to start); or returns false, with no room taken, when the queue is full and this thread is
     * one of this pool's workers. Such a worker runs its task itself, as ThreadPoolExecutor's
     * CallerRunsPolicy would: only workers make room, and if every one of them waited for room
     * (tasks that submit tasks) the pool would deadlock.
     */
    private boolean acquireRoom() {
        if (!queueRoom.tryAcquire()) {
            if (ownWorker() != null) {
                rejectIfClosed();
                return false;
            }
            try {
                queueRoom.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("interrupted while waiting for room in the queue", e);
            }
        }
        if (shutdown || broken.get() != null) {
            queueRoom.release();
            rejectIfClosed();
        }
        return true;
    }

    /** A task left the queue, other than by a worker's start (cancelled or failed while pending). */
    void leftQueue() {
        leftQueue.increment();
        releaseRoom();
    }

    private void releaseRoom() {
        if (queueRoom != null) {
            queueRoom.release();
        }
    }

    TaskCounters counters() {
        return counters;
    }

    boolean isOwnWorkerThread() {
        Worker w = CURRENT_WORKER.get();
        return w != null && w.owner() == this;
    }

    /** This thread's worker if it is one of this pool's, else null. */
    Worker ownWorker() {
        Worker w = CURRENT_WORKER.get();
        return w != null && w.owner() == this ? w : null;
    }

    // ---------------------------------------------------------------- workers

    private void wakeOrStartWorker() {
        wakeOrStartWorker(null);
    }

    /**
     * Finds a cover for a queued task (see "The coverage invariant" in the class comment), in the
     * order given there. {@code submitted} is the submit's own task, or null when a worker passes
     * the wake-up on or replaces itself (then neither the spinner nor a status is looked at).
     * Each status re-check below skips a wake-up for a task a worker already started: no longer
     * queued, it needs no cover, and a worker woken or started for it would be awake for nothing.
     */
    private void wakeOrStartWorker(PooledTask<?> submitted) {
        if (submitted != null && spinning.get() != 0) {
            return; // cover (b)
        }
        if (submitted != null && idle.peekFirst() != null && submitted.status() != PoolFuture.Status.PENDING) {
            return; // started already; popping an idle worker would also take it from the next submit
        }
        Worker w = idle.pollFirst();
        if (w != null) {
            LockSupport.unpark(w.thread);
            return; // cover (c)
        }
        if (workerCount.get() >= workerCap) {
            return; // cover (a): no worker parked and none to start
        }
        if (submitted != null && submitted.status() != PoolFuture.Status.PENDING) {
            // started already; a claim now could take the mark its worker made for the NEXT
            // task, and that next submit would start a thread
            return;
        }
        if (claimAlmostFree()) {
            return; // cover (d)
        }
        if (submitted != null && (spinning.get() != 0 || submitted.status() != PoolFuture.Status.PENDING)) {
            // cover (b) since the first look (a spinner clears its almost-free mark, so it may be
            // the (d) this submit just missed), or started already
            return;
        }
        // A worker going idle is on the stack before it leaves (b) or (d): one that slipped
        // between the looks above is here now.
        w = idle.pollFirst();
        if (w != null) {
            LockSupport.unpark(w.thread);
            return; // cover (c)
        }
        if (submitted != null && submitted.status() != PoolFuture.Status.PENDING) {
            return; // started meanwhile
        }
        for (int c; (c = workerCount.get()) < workerCap; ) {
            if (workerCount.compareAndSet(c, c + 1)) {
                startWorker();
                return;
            }
        }
    }

    /**
     * Claims one worker that is finishing a task for this submit. Each almost-free worker absorbs
     * one submit only: if every submit made in that window skipped starting a thread, two tasks
     * submitted at once (say, by a done-callback, which runs in that window) would share the one
     * worker and a task waiting for the other would wait forever, with room for more workers.
     */
    private boolean claimAlmostFree() {
        for (int c; (c = almostFree.get()) > 0; ) {
            if (almostFree.compareAndSet(c, c - 1)) {
                return true;
            }
        }
        return false;
    }

    private void startWorker() {
        Worker w = new Worker();
        Thread t;
        try {
            t = threadFactory.newThread(w);
            t.setName(namePrefix + "-" + threadNumbers.incrementAndGet());
        } catch (RuntimeException | Error e) {
            workerCount.decrementAndGet();
            throw e;
        }
        w.thread = t;
        workers.add(w);
        awake.incrementAndGet(); // before it can take a task: see isQuiet
        try {
            t.start();
        } catch (RuntimeException | Error e) {
            workers.remove(w);
            awake.decrementAndGet();
            workerCount.decrementAndGet();
            throw e;
        }
        if (sizing != null) {
            sizing.ensureRunning();
        }
    }

    /** One worker thread's loop. Fields without a note are this worker's thread's own. */
    final class Worker implements Runnable {
        /**
         * Written once, by whoever starts the worker, before the thread starts; volatile for the
         * threads that find the worker elsewhere (the idle stack, a task's runner) and unpark or
         * interrupt it.
         */
        volatile Thread thread;
        /** The lane this worker looks at first (it moves on as it takes tasks). */
        private final int lane = threadNumbers.get();
        /** True while this worker counts in {@link #almostFree}. */
        private boolean markedAlmostFree;
        private final Runnable markAlmostFree = () -> {
            // only matters when an empty queue could make the next submit start a thread
            if (!markedAlmostFree && workerCount.get() < config.maxWorkers() && queue.isEmpty()) {
                markedAlmostFree = true;
                almostFree.incrementAndGet();
            }
        };
        /**
         * The task this worker runs now (inline ones included), for shutdownNow and stats;
         * written by this worker only.
         */
        volatile PooledTask<?> current;
        /**
         * Tasks this worker started, and those that ended on its thread by final status. Written
         * by this worker only (a release store, no atomic update), summed by {@link #stats()};
         * handed over to the pool's counters when the worker exits.
         */
        private final AtomicLongArray counts = new AtomicLongArray(4);

        /** This worker started a task it had taken from the queue (or runs one inline). */
        void countStarted() {
            counts.lazySet(STARTED, counts.get(STARTED) + 1);
            releaseRoom();
        }

        /** A task ended on this worker's own thread, just before anyone can see it done. */
        void countEnded(PoolFuture.Status status) {
            int i = status == PoolFuture.Status.SUCCESS ? SUCCEEDED
                    : status == PoolFuture.Status.FAILED ? FAILED : CANCELLED;
            counts.lazySet(i, counts.get(i) + 1);
        }

        ThreadPoolImpl owner() {
            return ThreadPoolImpl.this;
        }

        /** True once shutdownNow began: a task that starts now must not run. */
        boolean isStopping() {
            return stopping;
        }

        @Override
        public void run() {
            CURRENT_WORKER.set(this);
            try {
                if (!initialize()) {
                    return;
                }
                long keepAliveNanos = Durations.toNanos(config.keepAlive());
                runFirstAndWakeForMore();
                for (;;) {
                    if (sizing == null) {
                        runQueued();
                    } else if (!runQueuedSized()) {
                        return; // retired: above the adaptive target
                    }
                    if (shutdown) {
                        return;
                    }
                    PooledTask<?> task = spinForTask();
                    if (task != null) {
                        runOne(task, endSpin);
                        if (spinHeld) {
                            endSpin.run(); // the task had ended already: nothing started
                        }
                    } else if (!idleOnce(keepAliveNanos)) {
                        return;
                    }
                }
            } finally {
                if (spinHeld) { // thrown out of a task's start: workerExited wakes someone for the queue
                    spinHeld = false;
                    spinning.set(0);
                }
                clearAlmostFree();
                CURRENT_WORKER.remove();
                if (probe != null) {
                    probe.close();
                }
                workerExited(this);
            }
        }

        /**
         * The first task after this worker started or was woken, if one is queued: once it has
         * started, if more tasks are queued, wakes (or starts) another worker for them. So the
         * pool keeps growing after the submits: a submit counts on one worker (a spinning one,
         * an idle one it woke, one it started), which takes one task, while the submits that
         * counted on it, or found the task taken, may have queued many; each worker that becomes
         * busy passes the wake-up on, until the queue is empty or every worker is busy.
         */
        private void runFirstAndWakeForMore() {
            PooledTask<?> task = pollStoredFromLanes();
            if (task != null) {
                runOne(task, clearAlmostFreeAndWakeForMore);
            }
        }

        private final Runnable clearAlmostFreeAndWakeForMore = () -> {
            clearAlmostFree();
            wakeForMore();
        };

        /**
         * Runs queued tasks until the queue is empty: the hot loop, kept apart from the idle
         * paths so that the JIT compiles it early and a first park later does not deoptimize it.
         */
        private void runQueued() {
            for (PooledTask<?> task; (task = pollStoredFromLanes()) != null; ) {
                runOne(task, clearAlmostFree); // stops counting as almost free once the task has started
            }
        }

        /**
         * {@link #runQueued} for an adaptive pool: times one task in {@link TaskSampler#interval},
         * and retires the worker if the pool has more than its target.
         *
         * @return false if the worker retired (it left {@link #workerCount} already)
         */
        private boolean runQueuedSized() {
            for (;;) {
                if (workerCount.get() > workerCap && tryRetire()) {
                    return false;
                }
                PooledTask<?> task = pollStoredFromLanes();
                if (task == null) {
                    return true;
                }
                if (++sinceSample >= sampleEvery) {
                    sinceSample = 0;
                    if (probe == null) {
                        probe = sizing.sampler().newProbe();
                    }
                    probe.begin();
                    runOne(task, clearAlmostFree);
                    sampleEvery = TaskSampler.interval(probe.end());
                    sizing.onSampledTask(); // runs a tick the crowded CPUs keep the sizing thread from
                } else {
                    runOne(task, clearAlmostFree);
                }
            }
        }

        /** Times this worker's sampled tasks; opened at the first, closed when the worker exits. */
        private TaskSampler.Probe probe;

        /** Tasks since this worker last timed one; the first task is timed. */
        private int sinceSample = Integer.MAX_VALUE - 1;
        /** Time one task in this many ({@link TaskSampler#interval}). */
        private int sampleEvery = Integer.MAX_VALUE;

        /** Set once this worker took itself off {@link #workerCount} to retire. */
        private boolean retired;

        /** Leaves {@link #workerCount} if it is above the cap: true if this worker must now exit. */
        private boolean tryRetire() {
            for (int c; (c = workerCount.get()) > workerCap; ) {
                if (workerCount.compareAndSet(c, c - 1)) {
                    retired = true;
                    return true;
                }
            }
            return false;
        }

        /** Tasks this worker took; its first choice of lane moves on every {@link TaskLanes#TURN}. */
        private int taken;

        /** The next task, from this worker's first-choice lane if it has one, else any lane. */
        private PooledTask<?> pollFromLanes() {
            return takeFromLanes(true);
        }

        /**
         * {@link #pollFromLanes}, but null as soon as no task is stored, without reading the
         * submitters' side of the queue (see {@link TaskQueue#pollStored}); the idle paths then
         * end with a {@link #pollFromLanes}.
         */
        private PooledTask<?> pollStoredFromLanes() {
            return takeFromLanes(false);
        }

        private PooledTask<?> takeFromLanes(boolean awaitClaimed) {
            PooledTask<?> t = queue.take(lane + taken / TaskLanes.TURN, awaitClaimed);
            if (t != null) {
                taken++;
            }
            return t;
        }

        /**
         * Goes idle: pushes itself on the idle stack, looks at the queue once more (a submit may
         * have missed it) and parks up to {@code keepAliveNanos}. False if the worker should exit:
         * the pool shut down, or it stayed idle for keepAlive with nothing to do (it retires).
         */
        private boolean idleOnce(long keepAliveNanos) {
            idle.offerFirst(this);
            onIdleStack = true;
            // the hand-over of the class comment: on the stack first, then (b) and (d) go, then the last look
            if (spinHeld) {
                spinHeld = false;
                spinning.set(0);
            }
            clearAlmostFree();
            PooledTask<?> task = pollFromLanes(); // a submit may have missed us: look again before parking
            if (task != null) {
                // leaves the idle stack once the task has started; submits that counted on us
                // (idle or spinning) may have queued more than this task: then it wakes another too
                runOne(task, leaveIdleAndWakeForMore);
                if (onIdleStack) {
                    leaveIdle.run(); // it had ended already: nothing started
                }
                return true;
            }
            if (shutdown) {
                leaveIdle.run();
                return false;
            }
            queue.releaseTaken(); // a pool gone quiet keeps no finished task reachable
            long deadline = System.nanoTime() + keepAliveNanos;
            awake.decrementAndGet(); // only after its last look at the queue: see isQuiet
            for (long left = keepAliveNanos;; left = deadline - System.nanoTime()) {
                if (left > 0) {
                    LockSupport.parkNanos(ThreadPoolImpl.this, left);
                }
                boolean expired = System.nanoTime() - deadline >= 0;
                if (!expired && !shutdown && idle.contains(this)) {
                    // Still on the stack, so not woken by a submit: the wake-up was spurious, or
                    // the unpark of a submit that popped us in an earlier idle spell, once we had
                    // taken a task ourselves. Going back to the queue would hide us from the
                    // submits meanwhile (neither idle, nor spinning, nor almost free), and the
                    // next would start a thread. A pop after this look comes with an unpark,
                    // which ends the next park at once.
                    Thread.interrupted(); // a stray interrupt would end every park at once
                    continue;
                }
                awake.incrementAndGet(); // before it looks at the queue again: see isQuiet
                boolean notPopped = idle.remove(this); // false: a submit popped and woke us
                onIdleStack = false;
                if (notPopped && expired && queue.isEmpty()) {
                    return false;
                }
                if (sizing != null && workerCount.get() > workerCap && tryRetire()) {
                    return false; // trimmed: workerExited wakes another for any queued task
                }
                runFirstAndWakeForMore();
                return true;
            }
        }

        private final Runnable clearAlmostFree = this::clearAlmostFree;

        /** True between pushing itself on the idle stack and leaving it (this thread only). */
        private boolean onIdleStack;

        /**
         * Leaves the idle stack, called once a task taken while on it has started: a submit that
         * looks meanwhile either pops this worker (and counts on it, rightly: it runs a task of
         * the queue) or finds the task started, so it never starts a thread for it.
         */
        private final Runnable leaveIdle = () -> {
            onIdleStack = false;
            idle.remove(this);
        };

        private final Runnable leaveIdleAndWakeForMore = () -> {
            leaveIdle.run();
            wakeForMore();
        };

        /** True while this worker holds the {@link #spinning} flag (this thread only). */
        private boolean spinHeld;

        /**
         * Ends this worker's spin once the task it found has started, not before (the hand-over
         * rule in the class comment): a submit that saw the flag clear while the spinner had the
         * task in hand, not started, would find no cover and start a thread.
         */
        private final Runnable endSpin = () -> {
            spinHeld = false;
            spinning.set(0);
            wakeForMore();
        };

        /**
         * Submits that counted on this worker (spinning, idle or just started) woke nobody else:
         * if it finds more than the one task it takes, wake another. A thread that cannot be
         * started here is not this task's failure: the next submit or wake-up tries again.
         */
        private void wakeForMore() {
            if (!queue.isEmpty()) {
                try {
                    wakeOrStartWorker();
                } catch (RuntimeException | Error e) {
                    // e.g. OutOfMemoryError "unable to create native thread": the task already started
                }
            }
        }

        /**
         * Polls the queue for a short while before going idle, if no other worker does: a
         * caller that waits for a result and then submits again finds this worker still awake,
         * and a stream of submits finds it without waking anyone (a wake-up costs
         * a submit a system call). Submits made while a worker spins wake nobody: it is cover (b)
         * of the class comment until it has started the task it found ({@link #endSpin}) or,
         * finding none, is on the idle stack ({@link #idleOnce}), and then passes the wake-up on
         * ({@link #wakeForMore}). One spinner at most: on a machine of few CPUs, a second would take the
         * CPU of the very thread that submits. For the same reason the spin yields its CPU every
         * 32 polls. Not on virtual threads or a single CPU.
         *
         * @return the task found, or null; in both cases with {@link #spinHeld} if it spun
         */
        private PooledTask<?> spinForTask() {
            if (SPIN_NANOS == 0 || config.virtualThreads()
                    || spinning.get() != 0 || !spinning.compareAndSet(0, 1)) {
                return null;
            }
            spinHeld = true;
            // A spinning worker is idle, not "almost free": a submit now counts on the spin, and
            // a submit once the spin took a task must not count on this worker (it may grow the pool).
            clearAlmostFree();
            long deadline = System.nanoTime() + SPIN_NANOS;
            for (int i = 1;; i++) {
                PooledTask<?> task = pollStoredFromLanes();
                if (task != null) {
                    return task;
                }
                if ((i & 31) == 0) {
                    if (shutdown || System.nanoTime() - deadline > 0) {
                        return null; // idleOnce ends the spin, and looks at the queue again
                    }
                    // Let a thread that waits for this CPU run: with more threads than CPUs,
                    // it is often the very submitter whose next task this worker waits for.
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        private void clearAlmostFree() {
            if (markedAlmostFree) {
                markedAlmostFree = false;
                almostFree.getAndUpdate(c -> c > 0 ? c - 1 : 0); // a submit may have claimed it already
            }
        }

        private void runOne(PooledTask<?> task, Runnable started) {
            BrokenPoolException b = broken.get();
            if (b != null) {
                task.fail(b);
                return;
            }
            // No fence of its own: the start CAS in runBy comes next and is one, and only then does
            // the worker read `stopping` (isStopping). With shutdownNow's write of `stopping` and
            // then read of `current`, a task that starts is either seen by shutdownNow (and
            // interrupted) or sees the stop itself (and is cancelled before its body runs). On the
            // JMM's letter a release store may still be missed there; shutdownNow, like the JDK's,
            // promises a best effort only, and the miss lets one task run to its end, no more.
            CURRENT.setRelease(this, task);
            ThreadTaskRun event = JfrEvents.threadTaskBegin(); // null (and free) unless a recording wants it
            long startNanos = event == null ? 0 : System.nanoTime();
            try {
                task.runBy(this, started, markAlmostFree);
            } finally {
                CURRENT.setRelease(this, null); // clearing needs no fence: a stale task is done anyway
                // a task may return with its thread interrupted (it restored the flag): that is its
                // own, and must not fail the next task's first wait (ThreadPoolExecutor clears it too)
                Thread.interrupted();
                if (event != null) {
                    endEvent(event, task, startNanos);
                }
            }
        }

        private void endEvent(ThreadTaskRun event, PooledTask<?> task, long startNanos) {
            Long queued = jfrQueuedAt.remove(task);
            long wait = queued == null ? -1 : Math.max(0, startNanos - queued);
            JfrEvents.threadTaskEnd(event, namePrefix, task.task(), task.status().name(), wait);
        }

        private boolean initialize() {
            if (config.initializer() == null) {
                return true;
            }
            try {
                config.initializer().run();
                return true;
            } catch (Throwable t) {
                breakPool(new BrokenPoolException("the pool's initializer failed in thread "
                        + Thread.currentThread().getName() + ", so the pool is broken: " + t, t));
                return false;
            }
        }
    }

    private void workerExited(Worker w) {
        statsLock.readLock().lock();
        try {
            leftQueue.add(w.counts.get(STARTED));
            counters.ended(PoolFuture.Status.SUCCESS, w.counts.get(SUCCEEDED));
            counters.ended(PoolFuture.Status.FAILED, w.counts.get(FAILED));
            counters.ended(PoolFuture.Status.CANCELLED, w.counts.get(CANCELLED));
            workers.remove(w);
        } finally {
            statsLock.readLock().unlock();
        }
        idle.remove(w);
        awake.decrementAndGet();
        int left = w.retired ? workerCount.get() : workerCount.decrementAndGet();
        if (!queue.isEmpty() && broken.get() == null) {
            wakeOrStartWorker(); // exited while a task came in: it was a cover, so find another
        } else if (left == 0 && shutdown && queue.isEmpty()) {
            terminate();
        }
    }

    /** Terminates the pool if the pool is shut down with no worker and nothing queued. */
    private void tryTerminate() {
        if (shutdown && workerCount.get() == 0 && queue.isEmpty()) {
            terminate();
        }
    }

    private void breakPool(BrokenPoolException e) {
        if (!broken.compareAndSet(null, e)) {
            return;
        }
        shutdown = true;
        for (PooledTask<?> t; (t = queue.poll()) != null; ) {
            t.fail(e);
        }
        releaseBlockedSubmitters();
        wakeAllIdle();
    }

    private void wakeAllIdle() {
        for (Worker w; (w = idle.pollFirst()) != null; ) {
            LockSupport.unpark(w.thread);
        }
    }

    /**
     * Wakes every submit blocked on a full queue (it then sees the shutdown and rejects). Once
     * only: a second release of Integer.MAX_VALUE / 2 would overflow the semaphore and throw
     * {@code Error("Maximum permit count exceeded")} from a repeated shutdown or close.
     */
    private void releaseBlockedSubmitters() {
        if (queueRoom != null && submittersReleased.compareAndSet(false, true)) {
            queueRoom.release(Integer.MAX_VALUE / 2);
        }
    }

    // ---------------------------------------------------------------- shutdown

    @Override
    public void shutdown(boolean wait, boolean cancelPending) {
        shutdown = true;
        if (cancelPending) {
            for (PooledTask<?> t; (t = queue.poll()) != null; ) {
                t.cancel(false);
            }
        }
        releaseBlockedSubmitters();
        wakeAllIdle();
        if (workerCount.get() == 0 && queue.isEmpty()) {
            terminate();
        }
        if (wait) {
            if (isOwnWorkerThread()) {
                throw new IllegalStateException("a task cannot wait for its own pool to terminate: "
                        + "call shutdown(false, ...) from inside a task");
            }
            awaitTerminationUninterruptibly();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        stopping = true;
        shutdown = true;
        List<Runnable> neverStarted = new ArrayList<>();
        for (PooledTask<?> t; (t = queue.poll()) != null; ) {
            if (t.cancel(false)) {
                neverStarted.add(t.neverStarted());
            }
        }
        for (Worker w : workers) {
            PooledTask<?> running = w.current;
            if (running != null) {
                running.cancel(true); // its phase makes the interrupt land only inside that task
            }
        }
        releaseBlockedSubmitters();
        wakeAllIdle();
        if (workerCount.get() == 0 && queue.isEmpty()) {
            terminate();
        }
        return neverStarted;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public PoolStats stats() {
        statsLock.writeLock().lock();
        try {
            int busy = 0;
            long started = leftQueue.sum();
            long completed = counters.completedCount();
            long failed = counters.failedCount();
            long cancelled = counters.cancelledCount();
            for (Worker w : workers) {
                if (w.current != null) {
                    busy++;
                }
                started += w.counts.get(STARTED);
                completed += w.counts.get(SUCCEEDED);
                failed += w.counts.get(FAILED);
                cancelled += w.counts.get(CANCELLED);
            }
            long atSubmit = ranAtSubmit.sum(); // counted before such a task starts: submitted and started
            started += atSubmit;
            long submitted = queue.offered() + atSubmit; // read last: never behind the starts read above
            return new PoolStats(workerCount.get(), busy, Math.max(0L, submitted - started),
                    submitted, completed, failed, cancelled);
        } finally {
            statsLock.writeLock().unlock();
        }
    }

    @Override
    public Optional<AdaptiveStats> adaptiveStats() {
        return sizing == null ? Optional.empty() : Optional.of(sizing.stats());
    }

    /** What the adaptive ticker sees of this pool and does to it. */
    private final class SizedPool implements AdaptiveSizing.Pool {
        @Override
        public AdaptiveSample sample(long nanoTime, double cpuContention) {
            PoolStats s = stats();
            return sizing.sampler().sample(nanoTime, s.completed() + s.failed() + s.cancelled(), s.queued(), s.busy(),
                    cpuContention);
        }

        @Override
        public void applyTarget(int target) {
            workerCap = target;
            // idle workers above the target: wake them to retire (a busy one retires between tasks)
            for (int excess = workerCount.get() - target; excess > 0; excess--) {
                Worker w = idle.pollLast(); // the coldest first
                if (w == null) {
                    break;
                }
                LockSupport.unpark(w.thread);
            }
            // after shutdown too: the queued tasks still run (shutdown(false, false), close()), and
            // tasks that wait for queued ones (the starvation rule) need the workers the target adds
            if (!queue.isEmpty() && workerCount.get() < target && broken.get() == null
                    && !ThreadPoolImpl.this.isTerminated()) {
                try {
                    wakeOrStartWorker(); // each worker that takes a task wakes or starts the next
                } catch (RuntimeException | Error e) {
                    // cannot start a thread now: the next tick tries again
                }
            }
        }

        @Override
        public boolean isQuiet() {
            return workerCount.get() == 0 && queue.isEmpty();
        }

        @Override
        public boolean isTerminated() {
            return ThreadPoolImpl.this.isTerminated();
        }
    }

    @Override
    protected int defaultMapBufferSize() {
        return Math.max(64, 16 * config.maxWorkers()); // a chunk in a thread costs little: keep workers fed
    }

    @Override
    public String toString() {
        PoolStats s = stats();
        return "ThreadPool[" + namePrefix + ", maxWorkers=" + config.maxWorkers() + ", " + s
                + (shutdown ? ", shut down" : "") + "]";
    }
}
