package io.jpool.internal.process;

import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.util.ProcessTree;
import io.jpool.internal.util.SharedTimer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The caller's side of one worker JVM: its process, its channel, the pumps of its output, where
 * it is in its life ({@link State}), and the tasks given to it ({@link #held}). Each field's
 * comment says which lock or which thread owns it.
 *
 * <p>How a window of tasks works: the worker reads its frames one after another and runs each
 * task before it reads the next, so the tasks given to it run in the order they were written. The
 * pool may give a worker a few small map chunks before it answers the first ({@link #held}); their
 * frames go through {@link #outbox}, which one writer at a time drains in order, so they reach the
 * worker in the order of {@code held}. The first of {@code held} is the one it runs (or is about
 * to); the others wait in its channel and have not started, since every result it wrote before it
 * died is read before its channel ends. A worker killed from outside, or crashed, with small
 * replies held (the worker's {@code HeldReplies}, half a millisecond at most) ran some of them
 * too: the task it marked as started last ({@link StartedMarks}) is then the one it ran, those
 * before it ran to their end, and both kinds of innocent task run again at no cost of an attempt. The pool writes a busy worker's new frames only once it
 * has few left in its channel ({@link #flushAsked}), so they go out several to a write.
 */
final class WorkerLink {
    /**
     * Where a worker is in its life. The launch thread takes it from STARTING to INITIALISING
     * (or CONNECTING, with no initializer); the scheduler takes it from there: IDLE while it holds
     * no task (and is in the pool's idle workers), BUSY while it holds some, RETIRING once told to
     * exit, DEAD once its death (or failed start) has been handled.
     * <pre>
     *  STARTING -> CONNECTING -> INITIALISING -> IDLE   launch (CONNECTING -> IDLE: no initializer)
     *  IDLE -> BUSY -> IDLE                              given a task; its last task replied
     *  IDLE -> RETIRING, BUSY -> RETIRING                recycled, or the pool shuts down
     *  any but DEAD -> DEAD                              it died, or failed to start
     * </pre>
     */
    enum State {
        /** Its JVM was started; it has not been sent its handshake line. */
        STARTING,
        /** It has its handshake line; the pool waits for its HELLO. */
        CONNECTING,
        /** It said HELLO and runs the pool's initializer; the pool waits for its READY. */
        INITIALISING,
        /** Ready, and holds no task. */
        IDLE,
        /** Holds tasks: the first one runs, the others wait in its window. */
        BUSY,
        /** Told to exit (recycled, or the pool shuts down): its end is no failure. */
        RETIRING,
        /** Its death or failed start was handled: it is no longer the pool's. */
        DEAD;

        /** Whether the arrow {@code this -> next} is in the picture above. */
        boolean canBecome(State next) {
            switch (this) {
                case STARTING:
                    return next == CONNECTING || next == DEAD;
                case CONNECTING:
                    return next == INITIALISING || next == IDLE || next == DEAD;
                case INITIALISING:
                    return next == IDLE || next == DEAD;
                case IDLE:
                    return next == BUSY || next == RETIRING || next == DEAD;
                case BUSY:
                    return next == IDLE || next == RETIRING || next == DEAD;
                case RETIRING:
                    return next == DEAD;
                default:
                    return false;
            }
        }
    }

    final long number;
    /** What this worker does with the pool's class-data archive. */
    final WorkerArchive.Plan cds;
    final Process process;
    final long pid;
    /** {@code System.nanoTime()} soon after its JVM was launched: its start-up time, for JFR. */
    final long launchedNanos = System.nanoTime();
    final OutputPump stdout;
    final OutputPump stderr;
    /**
     * The pool's lock: it guards {@link #state}, {@link #held}, {@link #given}, {@link #flushAsked}
     * and {@link #tasksRun}.
     */
    private final ReentrantLock poolLock;
    /**
     * Set by the launch thread once the worker said HELLO (the channel then moves to a socket
     * inside FrameChannel, not here); volatile because senders, the reader and the socket mover,
     * on other threads, read it.
     */
    volatile FrameChannel channel;

    // ---- guarded by the pool's lock
    private State state = State.STARTING;
    /** The tasks given to it, in the order it runs them: the first runs now; empty unless BUSY. */
    final ArrayDeque<ProcessTask<?>> held = new ArrayDeque<>();
    /** The bytes of the frames of {@link #held} (see {@code MapWindows.frameBytes}). */
    long heldBytes;
    /** Its chunks came fast enough for the deep window ({@link #paced}). */
    boolean deep;
    /** {@code System.nanoTime()} when the current measure of its pace began, and the replies since. */
    private long paceMark;
    private int paceCount;
    /** How many tasks were given to it: the {@link ProcessTask#sendNumber} of the latest. */
    long given;
    /**
     * The {@link ProcessTask#sendNumber} of the latest task whose frame a flush of {@link #outbox}
     * was asked for (the flush writes it, and everything before it): tasks given after it wait in
     * the outbox until the pool asks again (see {@code MapWindows.flushIfLowLocked}).
     */
    long flushAsked;
    int tasksRun;
    /** The pool counted its start as ended (it was put to work, or failed on the way there). */
    boolean readied;
    /** Given its grace while it started, the pool shut down with nothing to run (once only). */
    boolean unneeded;
    /**
     * The id of the map function of the latest chunk put in {@link #outbox}, or 0: a chunk of the
     * same function goes without the function's bytes (the worker runs the function it got last).
     */
    private long functionSent;
    /**
     * How many tasks it held after its latest reply: written under the pool's lock by
     * {@code ProcessPoolImpl.replied}, read by the same thread, its reader, right after.
     */
    int heldAfterReply;

    // ---- not guarded by the pool's lock
    /**
     * Tasks of {@link #held} whose frames are still to be written, in the same order: filled
     * under the pool's lock, drained by one writer at a time under {@link #sending}.
     */
    final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
    /**
     * The worker's channel ended cleanly (end of file) after every frame it wrote was read.
     * The reader thread's own: it sets it and then runs the death handler that reads it.
     */
    boolean readToEnd;
    /**
     * Why the pool killed it, and the id of the task whose end caused the kill (or 0): set once,
     * together, under this object's monitor by the first thread that kills it (a canceller, the
     * timer, the pool); volatile for the death handler, which reads them after the process died.
     */
    volatile String killReason;
    volatile long killedForTask;
    /**
     * Why the pool killed it for a fault of the channel (a corrupt frame, a failed send), or null.
     * Unlike {@link #killReason}, such a death is the worker's, so its task may be retried. Set
     * once, under this object's monitor, by the first sender or reader to find a fault; read by
     * the death handler.
     */
    volatile String faultReason;
    /**
     * How many of the tasks given to it had their frames written whole: task frames are written in
     * the order given, so a task whose {@link ProcessTask#sendNumber} is above this never reached
     * the worker whole. Written under {@link #sending}; final once the death handler has closed
     * the channel and {@link #awaitSendEnd waited} for it: a send that starts later finds the
     * channel closed.
     */
    volatile long sentWhole;
    /** Held while a frame is written, so the death handler can wait for a send to end. */
    private final ReentrantLock sending = new ReentrantLock();
    /**
     * The kill that ends it if it outlives the grace it was given ({@link #endWithin}), or null;
     * guarded by this object's monitor.
     */
    private ScheduledFuture<?> deadline;

    /** Where tests step into its sends ({@link LifecycleHook.Step#SENDING}); set by its launcher. */
    volatile LifecycleHook hook = LifecycleHook.NONE;

    /** Its {@link ProcessTree#TAG_VARIABLE}: what the processes its tasks started inherit. */
    private final String tag;

    WorkerLink(long number, Process process, String tag, OutputPump stdout, OutputPump stderr,
            WorkerArchive.Plan cds, ReentrantLock poolLock) {
        this.poolLock = poolLock;
        this.tag = tag;
        this.cds = cds;
        this.number = number;
        this.process = process;
        this.pid = process.pid();
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * It began a run of tasks at {@code now} (it was idle): its window is shallow until its pace,
     * measured from here, shows its tasks are fast; a map of slow items after a fast one starts so.
     */
    void paceFrom(long now) {
        paceMark = now;
        paceCount = 0;
        deep = false;
    }

    /**
     * It replied at {@code now} and runs its next task: every {@code span} such replies, its
     * window turns {@link #deep} if they came at most {@code fastNanos} apart on average, and
     * shallow again if not.
     */
    void paced(long now, int span, long fastNanos) {
        if (++paceCount >= span) {
            deep = now - paceMark <= span * fastNanos;
            paceMark = now;
            paceCount = 0;
        }
    }

    State state() {
        assert poolLock.isHeldByCurrentThread();
        return state;
    }

    /** Moves it to {@code next}, under the pool's lock (held by the caller). */
    void become(State next) {
        assert poolLock.isHeldByCurrentThread() && state.canBecome(next) : this + ": " + state + " -> " + next;
        state = next;
    }

    /** Moves it to {@code next} from the launch thread, which does not hold the pool's lock. */
    void advance(State next) {
        poolLock.lock();
        try {
            become(next);
        } finally {
            poolLock.unlock();
        }
    }

    /** Writes the handshake line; the worker's stdin then stays open (its end tells of our death). */
    void handshake(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** A task whose frame is to be written, and whether its frame carries its map function's bytes. */
    record Outgoing(ProcessTask<?> task, boolean withFunction) {
        /** The frame's parts before its tail: header, the function's part (a chunk), the body. */
        ByteBuffer[] head() {
            ByteBuffer[] body = task.payload.head();
            if (task.function == null) {
                return WorkerProtocol.withHeader(task.frameType, task.id, body);
            }
            ByteBuffer[] parts = new ByteBuffer[body.length + 2];
            parts[0] = WorkerProtocol.header(task.frameType, task.id);
            parts[1] = task.function.part(withFunction);
            System.arraycopy(body, 0, parts, 2, body.length);
            return parts;
        }
    }

    /**
     * Puts the frame of {@code t}, just given to this worker, in the outbox (under the pool's lock,
     * so frames queue in the order tasks are given): a chunk carries its function's bytes unless
     * the chunk before it in this channel had the same function. The worker reads frames in that
     * order and dies with its channel, so it always has the function a chunk names.
     */
    void enqueue(ProcessTask<?> t) {
        assert poolLock.isHeldByCurrentThread();
        boolean withFunction = false;
        if (t.function != null) {
            withFunction = t.function.id != functionSent;
            functionSent = t.function.id;
        }
        outbox.add(new Outgoing(t, withFunction));
    }

    void send(byte type, long id, ByteBuffer... body) {
        send(WorkerProtocol.withHeader(type, id, body), null, false);
    }

    /**
     * Writes the frames of the tasks in {@link #outbox}, in order, each body as one frame with its
     * trailing array (a large byte[]) as the frame's tail; frames without a tail go out together,
     * in one gathering write. If a write fails, the worker never got the tasks from the first
     * frame not written whole on, so it cannot have run them: the death handler sees that they
     * were not {@link #sentWhole sent whole} and re-queues them.
     */
    void flushOutbox() {
        sending.lock();
        try {
            List<ByteBuffer[]> batch = new ArrayList<>();
            for (Outgoing o; faultReason == null && (o = outbox.poll()) != null; ) {
                // after a failed write nothing more is written: a frame behind a torn one would be garbage
                if (o.task().payload.trailing() == null) {
                    batch.add(o.head());
                    continue;
                }
                sendBatch(batch);
                hook.at(LifecycleHook.Step.SENDING, this);
                send(o.head(), o.task().payload.trailing(), true);
            }
            sendBatch(batch);
        } catch (Throwable e) {
            // an Error here (no memory for a frame's buffers, say) took frames from the outbox that
            // were never written: their tasks would wait for replies that never come. The worker is
            // killed as faulty instead, so its death handler re-queues every task not sent whole;
            // nothing is thrown, so the caller's other sends (and its reply's delivery) still run
            fault("the pool could not write to it: " + e);
        } finally {
            sending.unlock();
        }
    }

    /** Writes the task frames in {@code batch} (then empties it), or notes the fault that stopped it. */
    private void sendBatch(List<ByteBuffer[]> batch) {
        if (batch.isEmpty() || faultReason != null) {
            batch.clear();
            return;
        }
        hook.at(LifecycleHook.Step.SENDING, this);
        try {
            sentWhole += channel.writeFrames(batch);
        } catch (FrameChannel.PartialWrite e) {
            sentWhole += e.framesWritten();
            fault("its channel failed while the pool wrote to it: " + e.getMessage()); // the reader reports the task
        } catch (IOException | RuntimeException e) {
            fault("its channel failed while the pool wrote to it: " + e.getMessage());
        } finally {
            batch.clear();
        }
    }

    /** Writes one frame of {@code parts} (its header first) and its {@code tail}, if any. */
    private void send(ByteBuffer[] parts, byte[] tail, boolean task) {
        FrameChannel c = channel;
        sending.lock();
        try {
            if (tail == null) {
                c.write(parts);
            } else {
                c.write(parts, tail);
            }
            if (task) {
                sentWhole++;
            }
        } catch (IOException | RuntimeException e) {
            fault("its channel failed while the pool wrote to it: " + e.getMessage()); // the reader reports the task
        } finally {
            sending.unlock();
        }
    }

    /**
     * Waits (a few seconds at most) for a send under way to end, so that {@link #sentWhole} is
     * final: the death handler calls it after closing the channel, which ends a blocked write.
     * Without it, a worker that died while its task's frame was being written could be judged
     * before the write failed, and that task failed for a send that never reached it.
     */
    void awaitSendEnd() {
        try {
            if (sending.tryLock(5, TimeUnit.SECONDS)) {
                sending.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills it (SIGKILL) unless its process has ended within {@code millis}: the pool gives this
     * grace to a worker it told to exit, and to one still starting that it no longer needs, so a
     * worker that cannot end on its own (stopped, hung in its initializer, lost its EXIT) cannot
     * hold the pool's {@code close()} for ever. A later call replaces the earlier deadline; the
     * timer's action only signals the kill, the worker's reader or launch thread handles its end.
     */
    void endWithin(long millis, String reason) {
        ScheduledFuture<?> next = SharedTimer.schedule(() -> {
            if (process.isAlive()) {
                kill(reason + " and did not end within " + millis + " ms", 0);
            }
        }, TimeUnit.MILLISECONDS.toNanos(millis));
        replaceDeadline(next);
    }

    /** Its end was handled: the deadline of {@link #endWithin}, if any, has nothing left to do. */
    void cancelDeadline() {
        replaceDeadline(null);
    }

    private void replaceDeadline(ScheduledFuture<?> next) {
        ScheduledFuture<?> old;
        synchronized (this) {
            old = deadline;
            deadline = next;
        }
        if (old != null) {
            old.cancel(false);
        }
    }

    /** Asks the worker to exit after its current work; its end is then no failure. */
    void retire() {
        FrameChannel c = channel;
        if (c == null) {
            kill("the pool no longer needs it", 0);
            return;
        }
        try {
            letGoOfStdin();
            c.write(WorkerProtocol.header(WorkerProtocol.EXIT, 0));
        } catch (IOException e) {
            ProcessTree.destroy(process);
        }
    }

    /**
     * One byte on the worker's stdin ends its parent-watch thread, which otherwise sits in a
     * native read: a JVM exiting with a thread in native code waits up to 300 ms for it.
     */
    private void letGoOfStdin() {
        try {
            OutputStream in = process.getOutputStream();
            in.write(0);
            in.flush();
        } catch (IOException ignored) {
            // the worker is going anyway; it only exits more slowly
        }
    }

    /**
     * Kills the process at once (SIGKILL); {@code reason} goes into its death report.
     *
     * @param forTask the id of the task it was killed for, or 0
     */
    void kill(String reason, long forTask) {
        synchronized (this) {
            if (killReason == null) {
                killedForTask = forTask; // first: whoever sees the reason sees its task
                killReason = reason;
            }
        }
        ProcessTree.destroy(process);
    }

    /**
     * Kills the process at once (SIGKILL) because its channel broke or it broke the protocol;
     * {@code reason} goes into its death report, and its task may be retried.
     */
    void fault(String reason) {
        synchronized (this) {
            if (faultReason == null) {
                faultReason = reason;
            }
        }
        process.destroyForcibly();
    }

    /** Why it died as far as the pool knows (it killed it, or its channel failed), or null. */
    String deathReason() {
        return killReason != null ? killReason : faultReason;
    }

    /**
     * Waits for the process to end (killing it if it lingers), then its exit code. A worker that
     * writes a class-data archive or an AOT configuration as it exits gets longer: its dump takes
     * a second or two on a busy machine, and killed, it leaves no archive for this caller JVM.
     */
    int awaitExit() {
        try {
            if (!process.waitFor(cds.making() != null ? 20 : 2, TimeUnit.SECONDS)) {
                ProcessTree.destroy(process);
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTree.destroy(process);
        }
        if (process.isAlive()) {
            return -1;
        }
        int code = process.exitValue();
        if (code != 0) {
            // halted, crashed or killed from outside: what its tasks started is orphaned now
            ProcessTree.destroyTagged(tag);
        }
        return code;
    }

    /** True if the process ended within {@code millis}. */
    boolean awaitExitWithin(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    void closeChannel() {
        FrameChannel c = channel;
        if (c != null) {
            c.close();
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public String toString() {
        return "worker " + number + " (pid " + pid + ")";
    }
}
