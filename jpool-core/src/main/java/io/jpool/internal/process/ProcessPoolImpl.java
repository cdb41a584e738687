package io.jpool.internal.process;

import io.jpool.AdaptiveStats;
import io.jpool.BrokenPoolException;
import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.ProcessPool;
import io.jpool.Task;
import io.jpool.TaskTimeoutException;
import io.jpool.internal.codec.Blocks;
import io.jpool.internal.codec.ResultFilter;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.jfr.JfrEvents;
import io.jpool.internal.pool.AbstractPool;
import io.jpool.internal.pool.MapChunk;
import io.jpool.internal.process.worker.WorkerMain;
import io.jpool.internal.util.Durations;
import io.jpool.internal.util.SharedTimer;

import java.io.ObjectInputFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link ProcessPool}.
 *
 * <h2>Implementation overview</h2>
 * <pre>
 *  submit() ─▶ pending queue ─▶ dispatch ─▶ WorkerLink[i] ══frames══▶ WorkerMain (child JVM)
 *     ▲                                          │   ◀══result frames══
 *     └────────── PoolFuture completed ◀─ reader ┘
 *  timer: task deadlines ─▶ fail the task, kill its worker
 *  reader sees end of channel ─▶ report why the worker died ─▶ fail / retry its task, replace it
 * </pre>
 * A task is serialized once, in {@code submit} ({@link TaskEncoder}), so an unserializable
 * capture fails there. One lock ({@link PoolState}) guards the queue, the workers' states
 * ({@link WorkerLink.State}) and each worker's tasks; only queue work runs under it: no I/O, no
 * caller's callback, no thread start (save the shared timer's, once per JVM).
 * {@link #dispatchLocked} pairs pending tasks with idle workers and counts in a new worker
 * (lazily, up to {@code maxWorkers}) when none is idle; the sends, and the threads that launch
 * new workers, start after the lock is released, so workers start in parallel.
 *
 * <p>The parts, each in its own class: {@link WorkerStarts} takes a worker from the decision to
 * start it to its first task, through {@link WorkerLauncher}, which returns it connected and
 * initialised, or a start failure ({@link StartFailures} decides when those break the pool); one
 * {@link WorkerReader} thread per worker reads its replies, hands the worker back here
 * ({@link #replied}) and completes the future with what {@link ResultDecoder} made of the reply,
 * under the pool's {@link ObjectInputFilter}; {@link MapWindows} says which map chunks wait in a
 * busy worker; {@link TaskClock} runs the time limits; {@link WorkerDeaths} handles a worker's
 * death; {@link Retirement} ends workers, and the pool. This class is the scheduler that wires
 * them: the queue, dispatch, the replies, and the public calls.
 *
 * <p>When a worker's channel ends, its reader runs {@link #workerDied}: it waits for the exit
 * code, tells why the worker died ({@link DeathReport}), fails or re-queues (under
 * {@code retries}) the tasks it held, and lets dispatch start a replacement. A corrupt frame, or
 * any Throwable while reading one, kills the worker as faulty and ends there too; a task whose
 * frame could not be written to its worker never ran there and is re-queued without using up an
 * attempt. A broken pool fails every task not yet done, one due for a retry included.
 *
 * <p>Timeouts run on one shared timer thread: at the deadline the future fails with
 * {@link TaskTimeoutException} at once, and its worker is killed (SIGKILL). {@code cancel(true)}
 * and {@code shutdownNow} kill the same way. Once shut down with no task and no worker left,
 * the pool deletes its socket directory and marks itself terminated.
 *
 * <p>Why {@code close()} waits only for running tasks: a worker is counted from the moment its
 * start is decided until its death (or failed start) is handled, and one thread owns it at a
 * time, its launch thread until its reader runs, then its reader. The owner counts it out, and
 * fails or re-queues its tasks, in steps that each run even when another throws (an Error
 * included, {@link Steps}), so no worker stays counted with no thread left to end it. A worker
 * told to exit, or still starting when the pool is shut down with nothing left to run, is killed
 * (SIGKILL) if it has not ended within {@link Retirement#EXIT_GRACE_MILLIS}
 * ({@link WorkerLink#endWithin}).
 *
 * <p>An adaptive pool ({@link #sizer}, null for a fixed size) asks its {@link ProcessSizer} before
 * each start whether one more worker fits (target, memory), and gives tasks to no more workers
 * at once than its target; the sizer's own thread looks at the workers and retires idle ones
 * ({@link SizedPool}).
 */
public final class ProcessPoolImpl extends AbstractPool implements ProcessPool {
    private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();

    private final ProcessPoolConfig config;
    private final String name;
    private final WorkerLauncher launcher;
    private final TaskEncoder encoder = new TaskEncoder();
    private final TaskClock clock;
    /** Null unless adaptive. */
    private final ProcessSizer sizer;
    private final AtomicLong taskIds = new AtomicLong();
    /** The lock, and what it guards. */
    private final PoolState state = new PoolState();
    private final Retirement retirement;
    private final WorkerStarts starts;
    private final WorkerDeaths deaths;

    public ProcessPoolImpl(ProcessPoolConfig config) {
        this.config = config;
        this.name = "jpool-process-" + POOL_NUMBERS.incrementAndGet();
        this.clock = new TaskClock(name);
        ResultDecoder decoder = new ResultDecoder(ResultFilter.create(config.allowedResultClasses(),
                config.maxResultBytes()));
        byte[] initializerBytes = config.initializer() == null ? null : TaskEncoder.initializer(config.initializer());
        this.launcher = new WorkerLauncher(name, config, initializerBytes, decoder, state.lock);
        this.sizer = config.adaptive() == null ? null : new ProcessSizer(config.adaptive(), name + "-sizing");
        this.retirement = new Retirement(state, launcher, this::terminate);
        this.starts = new WorkerStarts(this, state, config, sizer, launcher, decoder, retirement);
        this.deaths = new WorkerDeaths(this, state, config, launcher, retirement);
        if (sizer != null) {
            sizer.bind(new SizedPool(this, state, retirement));
        }
    }

    // ---------------------------------------------------------------- submit

    @Override
    public <T> PoolFuture<T> submit(Task<T> task, Duration timeout) {
        checkSubmit(task, timeout);
        Blocks payload = TaskEncoder.task(task);
        return enqueue(new ProcessTask<>(this, taskIds.incrementAndGet(), WorkerProtocol.TASK, payload, task,
                timeoutNanos(timeout), null));
    }

    /** A map chunk travels as one CHUNK frame ({@link TaskEncoder#chunk}). */
    @Override
    protected PoolFuture<Object[]> submitChunk(MapChunk<?, ?> chunk) {
        rejectIfClosed();
        MapFunction fn = encoder.function(chunk.function());
        TaskEncoder.EncodedChunk sent = TaskEncoder.chunk(chunk);
        return enqueue(new ProcessTask<>(this, taskIds.incrementAndGet(), WorkerProtocol.CHUNK, sent.payload(),
                sent.chunk(), timeoutNanos(null), fn));
    }

    private long timeoutNanos(Duration timeout) {
        Duration limit = timeout != null ? timeout : config.taskTimeout();
        return limit == null ? 0L : Durations.toNanos(limit);
    }

    /** This pool's name, as its threads are named. */
    String poolName() {
        return name;
    }

    private <T> PoolFuture<T> enqueue(ProcessTask<T> t) {
        JfrEvents.taskQueued(name, t.id, t.task);
        List<Runnable> sends;
        state.lock.lock();
        try {
            rejectIfClosed();
            state.counters.submitted();
            state.pending.addLast(t);
            sends = dispatchLocked();
        } finally {
            state.lock.unlock();
        }
        sends.forEach(Runnable::run);
        return t;
    }

    /** Read without the lock by a submit's first look; {@link #enqueue} looks again under it. */
    @Override
    protected BrokenPoolException brokenBy() {
        return state.broken;
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * Pairs pending tasks with idle workers, then (map chunks only) with busy workers whose window
     * has room ({@link MapWindows}), and counts in a worker to start when a task finds none;
     * returns what to do once the lock is released: the sends, and the threads that launch those
     * workers. Called with the pool lock held (by the start path, the death handler and the
     * sizer, too).
     */
    List<Runnable> dispatchLocked() {
        List<Runnable> sends = new ArrayList<>(2);
        // an adaptive pool runs tasks on no more workers than its target: the others wait idle,
        // to retire if the target stays low, or to take tasks at once if it rises again
        int busyRoom = sizer == null ? Integer.MAX_VALUE
                : sizer.target() - (state.workerCount - state.starting - state.idle.size());
        while (!state.pending.isEmpty()) {
            ProcessTask<?> t = state.pending.peekFirst();
            if (t.isDone()) {
                state.pending.pollFirst();
                continue;
            }
            WorkerLink w = busyRoom > 0 ? state.idle.pollFirst() : null;
            if (w != null) {
                busyRoom--;
            }
            if (w == null) {
                if (state.starting < state.pending.size() && state.broken == null && starts.mayStartLocked()) {
                    long number = starts.startWorkerLocked();
                    sends.add(() -> starts.launchThread(number));
                    continue;
                }
                w = MapWindows.withRoomLocked(t, state.links, config.maxTasksPerWorker());
                if (w == null) {
                    break;
                }
            }
            state.pending.pollFirst();
            // a first run starts the future; a retry finds it RUNNING (attempts alone cannot tell:
            // a run that did not count gave its attempt back)
            if (!t.tryStart() && !t.isRunning()) {
                if (w.held.isEmpty()) {
                    state.idle.addFirst(w); // cancelled while queued
                    busyRoom++; // it runs nothing: the next task may have it (else an adaptive pool could stall here)
                }
                continue;
            }
            t.attempts++;
            t.link = w;
            t.sendNumber = ++w.given;
            w.held.addLast(t);
            w.heldBytes += MapWindows.frameBytes(t);
            if (w.held.size() == 1) {
                w.become(WorkerLink.State.BUSY);
                w.paceFrom(System.nanoTime());
                clock.startLocked(t, w);
            } else {
                TaskClock.pauseLocked(t);
            }
            w.enqueue(t);
            MapWindows.flushIfLowLocked(w, sends);
        }
        return sends;
    }

    /** Dispatches (for the sizer, when its target rises) and runs the sends once the lock is released. */
    void dispatch() {
        List<Runnable> sends;
        state.lock.lock();
        try {
            sends = dispatchLocked();
        } finally {
            state.lock.unlock();
        }
        sends.forEach(Runnable::run);
    }

    // ---------------------------------------------------------------- workers

    @Override
    public CompletableFuture<Integer> prestart() {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        if (sizer != null) {
            sizer.readMachine(); // its policy starts no second worker on an old reading
        }
        List<Long> numbers = new ArrayList<>();
        state.lock.lock();
        try {
            rejectIfClosed();
            while (starts.mayStartLocked()) {
                CompletableFuture<Void> ready = new CompletableFuture<>();
                long number = starts.startWorkerLocked();
                state.prestarting.put(number, ready);
                numbers.add(number);
                started.add(ready);
            }
        } finally {
            state.lock.unlock();
        }
        numbers.forEach(starts::launchThread);
        int n = started.size();
        return CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0])).thenApply(v -> n);
    }

    /**
     * Worker {@code w} replied for task {@code id}: takes that task off the worker, starts the
     * next task it holds, or puts it back to work (or retires it) at once, and returns the task
     * that replied, for its reader to complete. Called by the worker's {@link WorkerReader}.
     */
    ProcessTask<?> replied(WorkerLink w, long id) throws CorruptFrame {
        List<Runnable> sends;
        ProcessTask<?> t;
        boolean retire = false;
        state.lock.lock();
        try {
            t = w.held.peekFirst();
            if (t == null || t.id != id) {
                throw new CorruptFrame("a reply for task #" + id + ", which it does not run");
            }
            w.held.pollFirst();
            w.heldBytes -= MapWindows.frameBytes(t);
            t.link = null;
            w.tasksRun++;
            w.heldAfterReply = w.held.size();
            ProcessTask<?> next = w.held.peekFirst();
            if (next != null) {
                w.paced(System.nanoTime(), MapWindows.PACE_CHUNKS, MapWindows.FAST_CHUNK_NANOS);
                clock.startLocked(next, w); // it wrote this reply, then began the next
                sends = dispatchLocked(); // top up its window
                MapWindows.flushIfLowLocked(w, sends); // frames held back for it go out once it runs low
            } else if ((config.maxTasksPerWorker() > 0 && w.tasksRun >= config.maxTasksPerWorker())
                    || (state.shutdown && state.noLivePendingLocked())) {
                retire = true;
                retirement.retiringLocked(w);
                sends = dispatchLocked(); // a replacement starts if work is waiting
            } else {
                w.become(WorkerLink.State.IDLE);
                state.idle.addFirst(w);
                sends = dispatchLocked();
            }
        } finally {
            state.lock.unlock();
        }
        // the sends first (a replacement's launch may be among them), then the retirement, each
        // run whatever the other throws: an Error while telling the worker to exit must neither
        // leave a counted replacement unlaunched nor lose the reply just read, which its reader
        // still delivers; the worker is killed instead, and its reader handles its end
        List<Runnable> after = new ArrayList<>(sends);
        if (retire) {
            after.add(() -> retirement.retire(w));
        }
        try {
            Steps.runEach(after, null);
        } catch (Throwable e) {
            w.fault("the pool could not tell it to exit: " + e);
        }
        return t;
    }

    /** The worker's channel ended ({@link WorkerDeaths}). Called by the worker's {@link WorkerReader}. */
    void workerDied(WorkerLink w) {
        deaths.handle(w);
    }

    /** Called by each task as it ends, before it is seen done. */
    void counted(PoolFuture.Status status) {
        state.counters.ended(status);
    }

    /** Called by each task once it ended. */
    void ended(ProcessTask<?> t, PoolFuture.Status status, boolean wasRunning) {
        if (state.shutdown && !wasRunning) {
            retirement.retireIdle(); // the last queued task was cancelled: idle workers may go
            retirement.maybeTerminate();
        }
    }

    // ---------------------------------------------------------------- shutdown

    @Override
    public void shutdown(boolean wait, boolean cancelPending) {
        List<ProcessTask<?>> toCancel = List.of();
        state.lock.lock();
        try {
            state.shutdown = true;
            if (cancelPending) {
                toCancel = new ArrayList<>(state.pending);
                state.pending.clear();
            }
        } finally {
            state.lock.unlock();
        }
        try {
            for (ProcessTask<?> t : toCancel) {
                t.cancel(false);
            }
            retirement.retireIdle();
            retirement.maybeTerminate();
        } finally {
            if (wait) {
                rejectWaitOnOwnThread();
                awaitTerminationUninterruptibly(); // bounded: every worker told to exit is killed after its grace
            }
        }
    }

    /**
     * A done-callback runs on the thread that ended its future, most often a worker's reader.
     * Waiting there for the pool to terminate would wait for that very thread (the reader counts
     * its worker out), so it fails at once; the pool is shut down all the same and terminates on
     * its own. The shared timer (which kills workers past their grace) runs no callback any more
     * (a timed-out task's go to a thread of their own: see SharedTimer), but its own actions must
     * not wait either.
     */
    private void rejectWaitOnOwnThread() {
        Thread t = Thread.currentThread();
        if (t.getName().startsWith(name + "-") || SharedTimer.isTimerThread()) {
            throw new IllegalStateException("close() or shutdown(wait=true) was called on " + t.getName()
                    + ", a thread the pool needs in order to terminate (a done-callback runs on the thread that"
                    + " ended its future); the pool is shut down and terminates on its own: call shutdown(false,"
                    + " ...) there, and wait for awaitTermination on a thread of your own");
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<ProcessTask<?>> queued;
        List<WorkerLink> all;
        state.lock.lock();
        try {
            state.shutdown = true;
            queued = new ArrayList<>(state.pending);
            state.pending.clear();
            all = new ArrayList<>(state.links);
        } finally {
            state.lock.unlock();
        }
        List<Runnable> neverStarted = new ArrayList<>();
        for (ProcessTask<?> t : queued) {
            if (t.status() == PoolFuture.Status.PENDING && t.cancel(false)) {
                neverStarted.add(t);
            } else {
                t.cancel(true);
            }
        }
        for (WorkerLink w : all) {
            List<ProcessTask<?>> given;
            state.lock.lock();
            try {
                given = new ArrayList<>(w.held);
            } finally {
                state.lock.unlock();
            }
            for (ProcessTask<?> running : given) { // those waiting in its window are RUNNING too
                running.stopReason = "the pool was shut down now (shutdownNow)";
                running.cancel(true);
            }
        }
        retirement.retireIdle();
        retirement.maybeTerminate();
        return neverStarted;
    }

    @Override
    public boolean isShutdown() {
        return state.shutdown;
    }

    // ---------------------------------------------------------------- introspection

    @Override
    public List<Long> workerPids() {
        state.lock.lock();
        try {
            List<Long> pids = new ArrayList<>(state.links.size());
            for (WorkerLink w : state.links) {
                if (w.process.isAlive()) {
                    pids.add(w.pid);
                }
            }
            return pids;
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public PoolStats stats() {
        state.lock.lock();
        try {
            int busy = 0;
            for (WorkerLink w : state.links) {
                if (w.state() == WorkerLink.State.BUSY) {
                    busy++;
                }
            }
            long queued = state.pending.stream().filter(t -> !t.isDone()).count();
            return new PoolStats(state.workerCount, busy, queued, state.counters.submittedCount(),
                    state.counters.completedCount(), state.counters.failedCount(), state.counters.cancelledCount());
        } finally {
            state.lock.unlock();
        }
    }

    @Override
    public Optional<AdaptiveStats> adaptiveStats() {
        return sizer == null ? Optional.empty() : sizer.stats();
    }

    /** The machine's readings an adaptive pool goes by; tests replace them (a machine short of memory). */
    void useMachineProbe(MachineProbe probe) {
        if (sizer == null) {
            throw new IllegalStateException("not an adaptive pool: build it with adaptive()");
        }
        sizer.useProbe(probe);
    }

    @Override
    protected int defaultMapBufferSize() {
        // each worker's full (deep) window and a couple more queued: its window is topped up from the queue
        return Math.max(16, (MapWindows.DEEP_WINDOW + 2) * config.maxWorkers());
    }

    // ---------------------------------------------------------------- diagnostics
    // Package-private: tests outside this package reach them through ProcessPoolProbe (test sources).

    /** Sets where tests step into its workers' lives (see {@link LifecycleHook}). */
    void lifecycleHook(LifecycleHook h) {
        state.hook = h;
        launcher.hook = h;
    }

    /** Sets how long a worker told to exit has before it is killed (tests shorten it). */
    void exitGrace(Duration grace) {
        retirement.exitGrace(grace);
    }

    /** How many times a task was re-queued to run again after its worker died. */
    long tasksRetried() {
        return state.underLock(() -> state.tasksRetried);
    }

    /** How many map items (a plain task counts as one) were re-queued to run again. */
    long itemsRetried() {
        return state.underLock(() -> state.itemsRetried);
    }

    /** How many tasks waiting in a dead worker's window, never started, went back to the queue (not counted as retried). */
    long unstartedRequeued() {
        return state.underLock(() -> state.unstartedRequeued);
    }

    /** How many tasks the workers hold (running, or waiting in their windows). */
    int tasksHeld() {
        return (int) state.underLock(() -> state.links.stream().mapToLong(w -> w.held.size()).sum());
    }

    /** How many task frames given to workers wait in the pool, held back until their worker runs low. */
    int framesHeldBack() {
        return (int) state.underLock(() -> state.links.stream().mapToLong(w -> w.given - w.flushAsked).sum());
    }

    /** How many live workers' channels moved from pipes to the socket. */
    int workersOnSocket() {
        return (int) state.underLock(() -> state.links.stream()
                .filter(w -> w.channel != null && w.channel.hasMoved()).count());
    }

    /** Each worker's number, pid, state, tasks held and liveness, and the pool's counts (for a test's failure message). */
    String workerStates() {
        return state.describe();
    }

    /** The pool's private directory (its workers' pipes, or socket), or null before the first worker started. */
    java.nio.file.Path channelDirectory() {
        return launcher.directory();
    }

    @Override
    public String toString() {
        return "ProcessPool[" + name + ", maxWorkers=" + config.maxWorkers() + ", " + stats()
                + (state.shutdown ? ", shut down" : "") + "]";
    }
}
