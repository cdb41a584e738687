package io.jpool.internal.process;

import io.jpool.Task;
import io.jpool.internal.codec.Blocks;
import io.jpool.internal.future.TaskFuture;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.jfr.JfrEvents;
import io.jpool.internal.util.Spin;

import java.util.concurrent.ScheduledFuture;

/**
 * A task of a {@link ProcessPoolImpl}: its future, its encoded bytes (written once, at submit),
 * and where it runs. Ending it while it runs ({@code cancel(true)}, its time limit,
 * {@code shutdownNow}) kills the worker running it: a JVM thread cannot be stopped, a process can.
 * Each field's comment says which lock or which thread owns it.
 */
final class ProcessTask<T> extends TaskFuture<T> implements Runnable {
    final ProcessPoolImpl pool;
    final long id;
    /** {@link WorkerProtocol#TASK} or {@link WorkerProtocol#CHUNK}. */
    final byte frameType;
    /** The body, without the map function of a CHUNK (see {@link #function}). */
    final Blocks payload;
    /** A CHUNK's map function, sent ahead of {@link #payload}; null for a TASK. */
    final MapFunction function;
    final Task<T> task;
    /** The time limit, or 0 for none. */
    final long timeoutNanos;
    /** {@code System.nanoTime()} at submit, for JFR. */
    final long queuedNanos = System.nanoTime();

    // ---- guarded by the pool's lock; the death handler also reads them after it, once the task is in no queue
    /** How many times it was started on a worker. */
    int attempts;
    /** How many times its frame could not be written to the worker it was given to. */
    int unsent;
    /** Its place among the tasks given to its worker ({@link WorkerLink#given} when it was given). */
    long sendNumber;

    // ---- written under the pool's lock, read without it: volatile
    /**
     * The worker it was given to (running it, or holding it next in its window), or null. Read by
     * {@link #stopRunning} on the thread that cancels it or times it out.
     */
    volatile WorkerLink link;
    /** Its time limit's timer while it runs, or null: cancelled by {@link #onDone} on the thread that ends it. */
    volatile ScheduledFuture<?> timer;
    /** {@code System.nanoTime()} when it last started on a worker (0: never): read by {@link #onDone}, for JFR. */
    volatile long startedNanos;

    // ---- not guarded
    /**
     * Why the pool stopped it, for the worker's death report: written, without a lock, by the
     * thread that stops it (the timer, {@code shutdownNow}) just before the kill that reads it.
     */
    volatile String stopReason = "its task was cancelled";

    ProcessTask(ProcessPoolImpl pool, long id, byte frameType, Blocks payload, Task<T> task, long timeoutNanos,
            MapFunction function) {
        this.pool = pool;
        this.function = function;
        this.id = id;
        this.frameType = frameType;
        this.payload = payload;
        this.task = task;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * A caller's wait polls this long before it parks: most small tasks answer within it, and a
     * waiter still awake saves a wake-up per round trip. None on one CPU, where it would only
     * keep the reader thread from running, and none for a map chunk: a map keeps its workers'
     * windows full, so its speed is CPU, not a round trip, and a polling consumer took about as
     * much of the caller's CPU as the readers that deliver its results.
     */
    private static final long SPIN_NANOS = Spin.nanos(50_000L);

    @Override
    protected long spinNanosBeforePark() {
        return frameType == WorkerProtocol.CHUNK ? 0L : SPIN_NANOS;
    }

    @Override
    protected void stopRunning() {
        WorkerLink l = link;
        if (l != null) {
            l.kill(stopReason, id);
        }
    }

    @Override
    protected void onEnding(Status finalStatus, boolean wasRunning) {
        pool.counted(finalStatus);
    }

    @Override
    protected void onDone(Status finalStatus, boolean wasRunning) {
        if (finalStatus == Status.CANCELLED && wasRunning) {
            // killed now, before its done-callbacks run (the kill that follows them is a no-op): a
            // callback that closes the pool must not wait for the task it has just cancelled
            stopRunning();
        }
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        pool.ended(this, finalStatus, wasRunning);
        JfrEvents.taskEnded(pool.poolName(), id, task, finalStatus.name(), queuedNanos, startedNanos);
    }

    /** Runs the task here, in the calling thread: what {@code shutdownNow} hands back can be run. */
    @Override
    public void run() {
        try {
            task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "task #" + id + " " + super.toString();
    }
}
