package io.jpool.internal.process;

import io.jpool.AdaptiveStats;
import io.jpool.BrokenPoolException;
import io.jpool.PoolFuture;
import io.jpool.PoolStats;
import io.jpool.ProcessPool;
import io.jpool.Task;
import io.jpool.TaskTimeoutException;
import io.jpool.WorkerDiedException;
import io.jpool.internal.codec.Blocks;
import io.jpool.internal.codec.ResultFilter;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.jfr.JfrEvents;
import io.jpool.internal.pool.AbstractPool;
import io.jpool.internal.pool.MapChunk;
import io.jpool.internal.pool.TaskCounters;
import io.jpool.internal.process.worker.WorkerMain;
import io.jpool.internal.util.Durations;
import io.jpool.internal.util.ProcessTree;
import io.jpool.internal.util.SharedTimer;
import io.jpool.internal.util.ThreadFactories;

import java.io.ObjectInputFilter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

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
 * A task is serialized once, in {@code submit}, so an unserializable capture fails there. One
 * lock guards the queue, the workers' states ({@link WorkerLink.State}) and each worker's tasks;
 * only queue work runs under it: no I/O, no caller's callback, no thread start (save the shared
 * timer's, once per JVM).
 * {@link #dispatchLocked} pairs pending tasks with idle workers and counts in a new worker
 * (lazily, up to {@code maxWorkers}) when none is idle; the sends, and the threads that launch
 * new workers, start after the lock is released, so workers start in parallel.
 *
 * <p>The parts, each in its own class: {@link WorkerLauncher} starts a worker and returns it
 * connected and initialised, or a start failure ({@link StartFailures} decides when those break
 * the pool); one {@link WorkerReader} thread per worker reads its replies, hands the worker back
 * here ({@link #replied}) and completes the future with what {@link ResultDecoder} made of the
 * reply, under the pool's {@link ObjectInputFilter}. This class is the scheduler: the queue,
 * dispatch, map windows, time limits, retries and death handling.
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
 * included), so no worker stays counted with no thread left to end it. A worker told to exit, or
 * still starting when the pool is shut down with nothing left to run, is killed (SIGKILL) if it
 * has not ended within {@link #EXIT_GRACE_MILLIS} ({@link WorkerLink#endWithin}).
 *
 * <p>An adaptive pool ({@link #sizer}, null for a fixed size) asks its {@link ProcessSizer} before
 * each start whether one more worker fits (target, memory), and gives tasks to no more workers
 * at once than its target; the sizer's own thread looks at the workers and retires idle ones
 * ({@link SizedPool}).
 */
public final class ProcessPoolImpl extends AbstractPool implements ProcessPool {
    private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();
    /** Failed sends of one task that cost it no attempt (beyond them, a worker's channel is suspect). */
    private static final int MAX_UNSENT = 3;
    /**
     * How long a worker told to exit (or still starting when the pool, shut down, no longer needs
     * it) has before it is killed: an idle JVM exits in well under a second; one that cannot (it
     * was stopped, its initializer never returns) must not hold close() for ever.
     */
    static final long EXIT_GRACE_MILLIS = 10_000;

    private final ProcessPoolConfig config;
    private final String name;
    private final ResultDecoder decoder;
    private final WorkerLauncher launcher;
    private final TaskEncoder encoder = new TaskEncoder();
    private final TaskClock clock;
    private final TaskCounters counters = new TaskCounters();
    /** Null unless adaptive. */
    private final ProcessSizer sizer;
    private final AtomicLong taskIds = new AtomicLong();

    /**
     * Guards the queue, the workers and their states, each worker's tasks and the counts below.
     * Held only for queue work: no I/O and no caller's callback run under it, and no thread starts
     * (save the shared timer's, once per JVM, when the first time limit is set).
     */
    private final ReentrantLock lock = new ReentrantLock();
    // ---- guarded by lock
    private final ArrayDeque<ProcessTask<?>> pending = new ArrayDeque<>();
    /** The IDLE workers, the latest first. */
    private final ArrayDeque<WorkerLink> idle = new ArrayDeque<>();
    /** Every worker from the start of its process until its death handler or failed start is done with it. */
    private final Set<WorkerLink> links = new LinkedHashSet<>();
    private int workerCount; // starting + alive, RETIRING ones left out: what maxWorkers bounds
    private int starting;
    private final StartFailures startFailures = new StartFailures();
    private long tasksRetried;
    private long itemsRetried;
    private long unstartedRequeued;
    private long workerNumbers;
    /** Workers started by {@link #prestart()}, by number, until each is ready or failed. */
    private final Map<Long, CompletableFuture<Void>> prestarting = new HashMap<>();
    private boolean terminating;
    /**
     * Why the pool broke, or null. Written under lock; also read without it by rejectIfClosed's
     * early check in submit, a racy read that enqueue repeats under the lock.
     */
    private BrokenPoolException broken;
    // ---- not guarded by lock
    /** Written under lock; volatile for isShutdown, rejectIfClosed and ended, which read it without. */
    private volatile boolean shutdown;
    /** Where tests step into a worker's life ({@link LifecycleHook}); NONE in production. */
    private volatile LifecycleHook hook = LifecycleHook.NONE;
    /** How long a worker told to exit, or no longer needed while it starts, has before it is killed. */
    private volatile long exitGraceMillis = EXIT_GRACE_MILLIS;

    public ProcessPoolImpl(ProcessPoolConfig config) {
        this.config = config;
        this.name = "jpool-process-" + POOL_NUMBERS.incrementAndGet();
        this.clock = new TaskClock(name);
        this.decoder = new ResultDecoder(ResultFilter.create(config.allowedResultClasses(), config.maxResultBytes()));
        byte[] initializerBytes = config.initializer() == null ? null : TaskEncoder.initializer(config.initializer());
        this.launcher = new WorkerLauncher(name, config, initializerBytes, decoder, lock);
        this.sizer = config.adaptive() == null ? null : new ProcessSizer(config.adaptive(), name + "-sizing");
        if (sizer != null) {
            sizer.bind(new SizedPool());
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
        lock.lock();
        try {
            rejectIfClosed();
            counters.submitted();
            pending.addLast(t);
            sends = dispatchLocked();
        } finally {
            lock.unlock();
        }
        sends.forEach(Runnable::run);
        return t;
    }

    /** Read without the lock by a submit's first look; {@link #enqueue} looks again under it. */
    @Override
    protected BrokenPoolException brokenBy() {
        return broken;
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * Pairs pending tasks with idle workers, then (map chunks only) with busy workers whose window
     * has room, and counts in a worker to start when a task finds none; returns what to do once
     * the lock is released: the sends, and the threads that launch those workers.
     */
    private List<Runnable> dispatchLocked() {
        List<Runnable> sends = new ArrayList<>(2);
        // an adaptive pool runs tasks on no more workers than its target: the others wait idle,
        // to retire if the target stays low, or to take tasks at once if it rises again
        int busyRoom = sizer == null ? Integer.MAX_VALUE : sizer.target() - (workerCount - starting - idle.size());
        while (!pending.isEmpty()) {
            ProcessTask<?> t = pending.peekFirst();
            if (t.isDone()) {
                pending.pollFirst();
                continue;
            }
            WorkerLink w = busyRoom > 0 ? idle.pollFirst() : null;
            if (w != null) {
                busyRoom--;
            }
            if (w == null) {
                if (starting < pending.size() && broken == null && mayStartLocked()) {
                    long number = startWorkerLocked();
                    sends.add(() -> launchThread(number));
                    continue;
                }
                w = MapWindows.withRoomLocked(t, links, config.maxTasksPerWorker());
                if (w == null) {
                    break;
                }
            }
            pending.pollFirst();
            // a first run starts the future; a retry finds it RUNNING (attempts alone cannot tell:
            // a run that did not count gave its attempt back)
            if (!t.tryStart() && !t.isRunning()) {
                if (w.held.isEmpty()) {
                    idle.addFirst(w); // cancelled while queued
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


    // ---------------------------------------------------------------- workers

    @Override
    public CompletableFuture<Integer> prestart() {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        if (sizer != null) {
            sizer.readMachine(); // its policy starts no second worker on an old reading
        }
        List<Long> numbers = new ArrayList<>();
        lock.lock();
        try {
            rejectIfClosed();
            while (mayStartLocked()) {
                CompletableFuture<Void> ready = new CompletableFuture<>();
                long number = startWorkerLocked();
                prestarting.put(number, ready);
                numbers.add(number);
                started.add(ready);
            }
        } finally {
            lock.unlock();
        }
        numbers.forEach(this::launchThread);
        int n = started.size();
        return CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0])).thenApply(v -> n);
    }

    /**
     * Tells {@link #prestart()}'s caller how worker {@code number}'s start ended: the pool's
     * BrokenPoolException if the failure broke it, else a WorkerDiedException (the pool starts
     * another worker when a task needs one).
     */
    private void prestartEnded(long number, String failure, Throwable cause) {
        CompletableFuture<Void> ready;
        BrokenPoolException b;
        lock.lock();
        try {
            ready = prestarting.remove(number);
            b = broken;
        } finally {
            lock.unlock();
        }
        if (ready == null) {
            return;
        }
        if (failure == null) {
            ready.complete(null);
        } else if (b != null) {
            ready.completeExceptionally(new BrokenPoolException(b.getMessage(), b.getCause()));
        } else {
            ready.completeExceptionally(new WorkerDiedException("a prestarted worker could not start (the pool"
                    + " starts another when a task needs one): " + failure, cause));
        }
    }

    /** Whether one more worker may start: below maxWorkers, or what an adaptive pool's sizer allows. */
    private boolean mayStartLocked() {
        return sizer == null ? workerCount < config.maxWorkers() : sizer.mayStart(workerCount);
    }

    /** Counts in a worker about to start and returns its number; {@link #launchThread} starts it. */
    private long startWorkerLocked() {
        workerCount++;
        starting++;
        return ++workerNumbers;
    }

    /** Launches worker {@code number} on a thread of its own (after the lock is released). */
    private void launchThread(long number) {
        if (sizer != null) {
            sizer.started(); // brings its ticker back if the pool was quiet
        }
        try {
            ThreadFactories.startDaemon(name + "-start-" + number, () -> launch(number));
        } catch (Throwable e) { // no thread to be had (out of native threads): a failed start
            startFailed(number, null, "could not start a thread to launch a worker: " + e, e, false, false);
        }
    }

    /**
     * Starts worker {@code number} ({@link WorkerLauncher}), then its reader, then puts it to work.
     * This thread owns the worker's count until its reader runs: whatever it meets, even an
     * Error, it either hands the worker to a running reader or counts it out ({@link #startFailed}).
     */
    private void launch(long number) {
        WorkerLink w;
        try {
            w = launcher.launch(number, this::launched);
        } catch (WorkerLauncher.StartFailure e) {
            startFailed(number, e.link, e.getMessage(), e.getCause(), e.fatal, e.killed);
            return;
        }
        try {
            ThreadFactories.daemon(name + "-reader-" + number, new WorkerReader(this, launcher, decoder, w)).start();
        } catch (Throwable e) {
            startFailed(number, w, "could not start a worker's reader thread: " + e, e, false, false);
            return;
        }
        try {
            workerReady(w);
        } catch (Throwable e) {
            readyFailed(w, e);
            throw e;
        }
    }

    /**
     * A starting worker's process exists: it counts among the pool's workers (to kill, to list).
     * If the pool was shut down with nothing left to run, it is not needed: it gets the grace of
     * a worker told to exit, and is killed if still starting after it.
     */
    private void launched(WorkerLink w) {
        boolean unneeded;
        lock.lock();
        try {
            links.add(w);
            unneeded = unneededLocked(w);
        } finally {
            lock.unlock();
        }
        if (unneeded) {
            endUnneeded(w);
        }
        hook.at(LifecycleHook.Step.LAUNCHED, w);
    }

    /** Gives {@code w}, still starting and no longer needed ({@link #unneededLocked}), its grace. */
    private void endUnneeded(WorkerLink w) {
        w.endWithin(graceFor(w), "it was still starting when the pool, shut down, no longer needed it");
    }

    /**
     * True, once, if {@code w} is still starting while the pool is shut down with nothing left to
     * run: the caller then gives it its grace ({@link #endUnneeded}).
     */
    private boolean unneededLocked(WorkerLink w) {
        if (w.unneeded || !shutdown || !noLivePendingLocked()) {
            return false;
        }
        WorkerLink.State s = w.state();
        if (s != WorkerLink.State.STARTING && s != WorkerLink.State.CONNECTING
                && s != WorkerLink.State.INITIALISING) {
            return false;
        }
        w.unneeded = true;
        return true;
    }

    /**
     * A worker failed to start: it is replaced, or the pool breaks, failing every task not yet
     * done ({@link StartFailures} says which), and {@link #prestart()}'s caller is told before the
     * pool can terminate. Whatever fails on the way (an Error while killing it, say), it is
     * counted out: a start left counted would hold {@code close()} for ever.
     */
    private void startFailed(long number, WorkerLink w, String message, Throwable cause, boolean fatal,
            boolean killed) {
        Throwable failure = null;
        try {
            hook.at(LifecycleHook.Step.START_FAILED, w);
            if (w != null) {
                w.kill("it failed to start", 0);
                launcher.exited(w, w.awaitExit());
                w.closeChannel();
            }
            launcher.forget(number);
        } catch (Throwable e) {
            failure = e;
            if (w != null) {
                ProcessTree.destroy(w.process);
            }
        }
        if (w != null) {
            w.cancelDeadline();
        }
        List<ProcessTask<?>> toFail;
        BrokenPoolException e;
        List<Runnable> replace = List.of();
        lock.lock();
        try {
            workerCount--;
            starting--;
            if (w != null) {
                w.become(WorkerLink.State.DEAD);
                links.remove(w);
            }
            String breakWith = startFailures.failed(killed, fatal, message);
            if (shutdown && broken == null && noLivePendingLocked()) {
                e = null; // started for nothing while the pool closed
                toFail = List.of();
            } else if (breakWith == null && broken == null) {
                e = null; // replaced by the next dispatch
                toFail = List.of();
                replace = dispatchLocked();
            } else {
                if (broken == null) {
                    broken = new BrokenPoolException(breakWith, cause);
                }
                e = broken;
                shutdown = true;
                toFail = new ArrayList<>(pending);
                pending.clear();
            }
        } finally {
            lock.unlock();
        }
        List<Runnable> after = new ArrayList<>(replace);
        for (ProcessTask<?> t : toFail) {
            after.add(() -> t.fail(e));
        }
        after.add(() -> prestartEnded(number, message, cause));
        after.add(this::retireIdle);
        after.add(this::maybeTerminate);
        Steps.runEach(after, failure);
    }

    private void workerReady(WorkerLink w) {
        hook.at(LifecycleHook.Step.WORKER_READY, w);
        JfrEvents.workerStarted(name, w.pid, System.nanoTime() - w.launchedNanos);
        List<Runnable> sends;
        boolean retire = false;
        boolean needed;
        lock.lock();
        try {
            w.readied = true;
            starting--;
            startFailures.started();
            // its reader may have handled its death already: then it stays DEAD, out of the idle ones
            if (w.state() != WorkerLink.State.DEAD) {
                w.become(WorkerLink.State.IDLE);
                idle.addFirst(w);
            }
            sends = dispatchLocked();
            if (shutdown && noLivePendingLocked() && idle.remove(w)) {
                retire = true;
                retiringLocked(w);
            }
            // given its grace as unneeded, it is needed after all (a task came back for a retry)
            needed = w.unneeded && !retire;
        } finally {
            lock.unlock();
        }
        if (needed) {
            w.cancelDeadline();
        }
        prestartEnded(w.number, null, null); // before it may retire, and its end end the pool
        sends.forEach(Runnable::run);
        if (retire) {
            retire(w);
        }
    }

    /**
     * Putting a connected worker to work failed (an Error on the way): its start is counted as
     * ended and it is killed; its reader, already running, handles its end as any death, so the
     * tasks it may hold go back to the queue and a replacement starts if one is needed.
     */
    private void readyFailed(WorkerLink w, Throwable e) {
        lock.lock();
        try {
            if (!w.readied) {
                w.readied = true;
                starting--;
            }
        } finally {
            lock.unlock();
        }
        prestartEnded(w.number, "the pool could not put it to work: " + e, e); // before its death can end the pool
        w.fault("the pool could not put it to work: " + e);
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
        lock.lock();
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
                    || (shutdown && noLivePendingLocked())) {
                retire = true;
                retiringLocked(w);
                sends = dispatchLocked(); // a replacement starts if work is waiting
            } else {
                w.become(WorkerLink.State.IDLE);
                idle.addFirst(w);
                sends = dispatchLocked();
            }
        } finally {
            lock.unlock();
        }
        // the sends first (a replacement's launch may be among them), then the retirement, each
        // run whatever the other throws: an Error while telling the worker to exit must neither
        // leave a counted replacement unlaunched nor lose the reply just read, which its reader
        // still delivers; the worker is killed instead, and its reader handles its end
        List<Runnable> after = new ArrayList<>(sends);
        if (retire) {
            after.add(() -> retire(w));
        }
        try {
            Steps.runEach(after, null);
        } catch (Throwable e) {
            w.fault("the pool could not tell it to exit: " + e);
        }
        return t;
    }

    /**
     * The worker's channel ended: find out why, then fail or retry the tasks it held and replace
     * it. Tasks that waited in its window never started there (every result it wrote was read
     * before its channel ended, and it runs its tasks in order): they go back to the queue, in
     * their order, at no cost of an attempt.
     */
    void workerDied(WorkerLink w) {
        List<ProcessTask<?>> held;
        boolean wasRetiring;
        lock.lock();
        try {
            idle.remove(w);
            wasRetiring = w.state() == WorkerLink.State.RETIRING;
            w.become(WorkerLink.State.DEAD);
            held = new ArrayList<>(w.held);
            w.held.clear();
            w.heldBytes = 0;
        } finally {
            lock.unlock();
        }
        int exitCode = -1;
        long startedLast = 0;
        List<String> stderrTail = List.of();
        Throwable failure = null;
        try {
            exitCode = w.awaitExit();
            hook.at(LifecycleHook.Step.WORKER_EXITED, w);
            JfrEvents.workerDied(name, w.pid, exitCode, w.killReason);
            launcher.exited(w, exitCode); // before the pool can count the worker gone
            w.closeChannel();
            w.awaitSendEnd(); // a frame being written to it fails now; then sentWhole is final
            w.outbox.clear(); // frames not written yet go nowhere: their tasks are re-queued below
            startedLast = StartedMarks.takeLast(launcher.directory(), w.number); // final: it has exited
            stderrTail = w.stderr.lastLines(2000);
            w.stdout.awaitEnd(2000); // its last output is forwarded before its task's failure is reported
        } catch (Throwable e) {
            // whatever failed here (an Error in the archive's bookkeeping, say), the worker is
            // gone and is counted out below: left counted, it would hold close() for ever
            failure = e;
            ProcessTree.destroy(w.process);
            w.outbox.clear();
            try {
                w.closeChannel();
            } catch (Throwable again) {
                failure.addSuppressed(again);
            }
        }
        w.cancelDeadline();
        int code = exitCode;
        List<String> tail = stderrTail;
        List<Runnable> sends = List.of();
        List<ProcessTask<?>> toFail = new ArrayList<>();
        List<ProcessTask<?>> stranded = new ArrayList<>(); // would retry, but the pool broke
        BrokenPoolException brokenBy = null;
        try {
            lock.lock();
            try {
                links.remove(w);
                if (!wasRetiring) {
                    workerCount--;
                }
                long sentWhole = w.sentWhole;
                // the one it ran when it died: the first it held, or a later one if its mark says so
                int running = StartedMarks.running(held, startedLast);
                for (int i = held.size() - 1; i >= 0; i--) { // re-queued at the front, first held first
                    ProcessTask<?> t = held.get(i);
                    // it never started: it waited behind an unfinished task; or it ran to its end and
                    // its reply died held in the worker; or killed for another task (a late cancel of
                    // the task it ran before); or its frame never reached the worker whole: it did not
                    // end its worker, so that attempt does not count
                    boolean neverStarted = i > running && w.readToEnd;
                    boolean innocent = neverStarted || i < running
                            || (w.killedForTask > 0 && w.killedForTask != t.id)
                            || (t.sendNumber > sentWhole && ++t.unsent <= MAX_UNSENT);
                    if (innocent) {
                        t.attempts--;
                    }
                    if (t.isDone()) {
                        continue;
                    }
                    if (innocent || (w.killReason == null && t.attempts <= config.retries())) {
                        if (broken == null) {
                            t.link = null;
                            pending.addFirst(t);
                            if (neverStarted) {
                                unstartedRequeued++; // not a re-run: it had not run
                            } else {
                                tasksRetried++;
                                itemsRetried += t.task instanceof MapChunk ? ((MapChunk<?, ?>) t.task).size() : 1;
                            }
                            continue;
                        }
                        brokenBy = broken; // nothing will run it any more
                        stranded.add(0, t);
                        continue;
                    }
                    toFail.add(0, t);
                }
                sends = dispatchLocked();
            } finally {
                lock.unlock();
            }
            hook.at(LifecycleHook.Step.WORKER_COUNTED_OUT, w);
        } catch (Throwable e) {
            failure = failure == null ? e : failure;
        } finally {
            // each step runs whatever the others do: a task left RUNNING, or a replacement
            // counted but never launched, would hold its caller and close() for ever
            List<Runnable> after = new ArrayList<>(sends);
            BrokenPoolException b = brokenBy;
            for (ProcessTask<?> t : stranded) {
                after.add(() -> t.fail(new BrokenPoolException(b.getMessage(), b.getCause())));
            }
            for (ProcessTask<?> t : toFail) {
                after.add(() -> t.fail(new WorkerDiedException("task #" + t.id + " failed: its "
                        + DeathReport.describe(w.pid, code, w.deathReason(), tail)
                        + (t.attempts > 1 ? " (after " + t.attempts + " attempts)" : ""))));
            }
            after.add(this::maybeTerminate);
            Steps.runEach(after, failure);
        }
    }

    /** Drops tasks cancelled while queued; true if no task waits to run. */
    private boolean noLivePendingLocked() {
        pending.removeIf(ProcessTask::isDone);
        return pending.isEmpty();
    }

    /** Called by each task as it ends, before it is seen done. */
    void counted(PoolFuture.Status status) {
        counters.ended(status);
    }

    /** Called by each task once it ended. */
    void ended(ProcessTask<?> t, PoolFuture.Status status, boolean wasRunning) {
        if (shutdown && !wasRunning) {
            retireIdle(); // the last queued task was cancelled: idle workers may go
            maybeTerminate();
        }
    }

    // ---------------------------------------------------------------- shutdown

    @Override
    public void shutdown(boolean wait, boolean cancelPending) {
        List<ProcessTask<?>> toCancel = List.of();
        lock.lock();
        try {
            shutdown = true;
            if (cancelPending) {
                toCancel = new ArrayList<>(pending);
                pending.clear();
            }
        } finally {
            lock.unlock();
        }
        try {
            for (ProcessTask<?> t : toCancel) {
                t.cancel(false);
            }
            retireIdle();
            maybeTerminate();
        } finally {
            if (wait) {
                rejectWaitOnOwnThread();
                awaitTerminationUninterruptibly(); // bounded: every worker told to exit is killed after its grace
            }
        }
    }

    /**
     * A done-callback runs on the thread that ended its future: a worker's reader, or the shared
     * timer for a task that timed out. Waiting there for the pool to terminate would wait for that
     * very thread (the reader counts its worker out; the timer kills workers past their grace),
     * so it fails at once; the pool is shut down all the same and terminates on its own.
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

    /** The worker will exit: it no longer counts against maxWorkers, but the pool waits for its end. */
    private void retiringLocked(WorkerLink w) {
        w.become(WorkerLink.State.RETIRING);
        workerCount--;
    }

    /** Tells {@code w}, RETIRING, to exit, and kills it if it has not within its grace. */
    private void retire(WorkerLink w) {
        retireAll(List.of(w));
    }

    /**
     * Tells each of {@code workers}, RETIRING, to exit. Each gets its deadline first
     * ({@link WorkerLink#endWithin}): a worker that cannot exit on its own (stopped, its EXIT
     * lost), or one left untold because telling another threw, is killed after its grace.
     */
    private void retireAll(List<WorkerLink> workers) {
        for (WorkerLink w : workers) {
            w.endWithin(graceFor(w), "it was told to exit");
        }
        List<Runnable> tell = new ArrayList<>(workers.size());
        for (WorkerLink w : workers) {
            tell.add(() -> {
                hook.at(LifecycleHook.Step.RETIRING, w);
                w.retire();
            });
        }
        Steps.runEach(tell, null);
    }

    /**
     * How long {@code w} may take to end once told to: the pool's grace, and 20 s more for a
     * worker that writes a class-data archive or an AOT configuration as it exits (a dump of a
     * second or two on a quiet machine; see {@link WorkerLink#awaitExit}).
     */
    private long graceFor(WorkerLink w) {
        return exitGraceMillis + (w.cds.making() != null ? 20_000 : 0);
    }

    /** Tells idle workers to exit when nothing is left to do. */
    private void retireIdle() {
        List<WorkerLink> toRetire = new ArrayList<>();
        lock.lock();
        try {
            if (shutdown && noLivePendingLocked()) {
                toRetire.addAll(idle);
                idle.clear();
                toRetire.forEach(this::retiringLocked);
            }
        } finally {
            lock.unlock();
        }
        retireAll(toRetire);
    }

    /**
     * Terminates the pool once it is shut down with no task and no worker left. Until then, each
     * worker still starting while nothing is left to run gets the grace of a worker told to exit
     * (it is killed if still starting after it): a start that never ends (a worker stopped before
     * it connected, an initializer that never returns) must not hold close() for ever.
     */
    private void maybeTerminate() {
        List<WorkerLink> unneeded = new ArrayList<>();
        boolean terminateNow = false;
        lock.lock();
        try {
            if (shutdown && !terminating) {
                if (workerCount == 0 && links.isEmpty() && noLivePendingLocked()) {
                    terminating = terminateNow = true;
                } else {
                    for (WorkerLink w : links) {
                        if (unneededLocked(w)) {
                            unneeded.add(w);
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        for (WorkerLink w : unneeded) {
            endUnneeded(w);
        }
        if (terminateNow) {
            launcher.close();
            terminate();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<ProcessTask<?>> queued;
        List<WorkerLink> all;
        lock.lock();
        try {
            shutdown = true;
            queued = new ArrayList<>(pending);
            pending.clear();
            all = new ArrayList<>(links);
        } finally {
            lock.unlock();
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
            lock.lock();
            try {
                given = new ArrayList<>(w.held);
            } finally {
                lock.unlock();
            }
            for (ProcessTask<?> running : given) { // those waiting in its window are RUNNING too
                running.stopReason = "the pool was shut down now (shutdownNow)";
                running.cancel(true);
            }
        }
        retireIdle();
        maybeTerminate();
        return neverStarted;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    // ---------------------------------------------------------------- introspection

    @Override
    public List<Long> workerPids() {
        lock.lock();
        try {
            List<Long> pids = new ArrayList<>(links.size());
            for (WorkerLink w : links) {
                if (w.process.isAlive()) {
                    pids.add(w.pid);
                }
            }
            return pids;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public PoolStats stats() {
        lock.lock();
        try {
            int busy = 0;
            for (WorkerLink w : links) {
                if (w.state() == WorkerLink.State.BUSY) {
                    busy++;
                }
            }
            long queued = pending.stream().filter(t -> !t.isDone()).count();
            return new PoolStats(workerCount, busy, queued, counters.submittedCount(), counters.completedCount(),
                    counters.failedCount(), counters.cancelledCount());
        } finally {
            lock.unlock();
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

    /** What an adaptive pool's {@link ProcessSizer} sees of it and does to it. */
    private final class SizedPool implements ProcessSizer.Pool {
        @Override
        public ProcessSizer.View sizerView() {
            lock.lock();
            try {
                List<ProcessSizer.WorkerState> serving = new ArrayList<>(links.size());
                for (WorkerLink w : links) {
                    if (w.state() == WorkerLink.State.IDLE || w.state() == WorkerLink.State.BUSY) {
                        serving.add(new ProcessSizer.WorkerState(w, !w.held.isEmpty(), w.tasksRun));
                    }
                }
                return new ProcessSizer.View(serving, workerCount, pending.size(),
                        counters.completedCount() + counters.failedCount(), workerCount == 0 && noLivePendingLocked());
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void retireIfIdle(List<WorkerLink> workers, int keep) {
            List<WorkerLink> toRetire = new ArrayList<>(workers.size());
            lock.lock();
            try {
                for (WorkerLink w : workers) {
                    if (workerCount > keep && idle.remove(w)) {
                        retiringLocked(w);
                        toRetire.add(w);
                    }
                }
            } finally {
                lock.unlock();
            }
            retireAll(toRetire);
        }

        @Override
        public boolean isTerminated() {
            return ProcessPoolImpl.this.isTerminated();
        }

        @Override
        public void dispatch() {
            List<Runnable> sends;
            lock.lock();
            try {
                sends = dispatchLocked();
            } finally {
                lock.unlock();
            }
            sends.forEach(Runnable::run);
        }
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
        hook = h;
        launcher.hook = h;
    }

    /** Sets how long a worker told to exit has before it is killed (tests shorten it). */
    void exitGrace(Duration grace) {
        exitGraceMillis = grace.toMillis();
    }

    /** How many times a task was re-queued to run again after its worker died. */
    long tasksRetried() {
        return underLock(() -> tasksRetried);
    }

    /** How many map items (a plain task counts as one) were re-queued to run again. */
    long itemsRetried() {
        return underLock(() -> itemsRetried);
    }

    /** How many tasks waiting in a dead worker's window, never started, went back to the queue (not counted as retried). */
    long unstartedRequeued() {
        return underLock(() -> unstartedRequeued);
    }

    /** How many tasks the workers hold (running, or waiting in their windows). */
    int tasksHeld() {
        return (int) underLock(() -> links.stream().mapToLong(w -> w.held.size()).sum());
    }

    /** How many task frames given to workers wait in the pool, held back until their worker runs low. */
    int framesHeldBack() {
        return (int) underLock(() -> links.stream().mapToLong(w -> w.given - w.flushAsked).sum());
    }

    /** How many live workers' channels moved from pipes to the socket. */
    int workersOnSocket() {
        return (int) underLock(() -> links.stream().filter(w -> w.channel != null && w.channel.hasMoved()).count());
    }

    /** Each worker's number, pid, state, tasks held and liveness, and the pool's counts (for a test's failure message). */
    String workerStates() {
        lock.lock();
        try {
            StringBuilder b = new StringBuilder("workerCount=" + workerCount + " starting=" + starting + " pending="
                    + pending.size() + " idle=" + idle.size() + " shutdown=" + shutdown + " terminating=" + terminating);
            for (WorkerLink w : links) {
                b.append("; ").append(w).append(' ').append(w.state()).append(" held=").append(w.held.size())
                        .append(" alive=").append(w.process.isAlive()).append(" killReason=").append(w.killReason)
                        .append(" faultReason=").append(w.faultReason);
            }
            return b.toString();
        } finally {
            lock.unlock();
        }
    }

    /** {@code read} under the pool's lock: the diagnostics above, for tests. */
    private long underLock(LongSupplier read) {
        lock.lock();
        try {
            return read.getAsLong();
        } finally {
            lock.unlock();
        }
    }

    /** The pool's private directory (its workers' pipes, or socket), or null before the first worker started. */
    java.nio.file.Path channelDirectory() {
        return launcher.directory();
    }

    @Override
    public String toString() {
        return "ProcessPool[" + name + ", maxWorkers=" + config.maxWorkers() + ", " + stats()
                + (shutdown ? ", shut down" : "") + "]";
    }
}
