package io.jpool.internal.process;

import io.jpool.internal.ipc.WorkerProtocol;

import java.util.List;

/**
 * The rules of a busy worker's window: which map chunks may wait in a worker behind the one it
 * runs, and when the frames given to it are written.
 *
 * <p>How it works: a worker may hold a few small map chunks beyond the one it runs, sent before
 * it asks, so that it never waits a round trip between small chunks (as multiprocessing.Pool
 * does). A worker whose chunks come back fast gets a deeper window ({@link #DEEP_WINDOW}); the
 * bytes a window holds stay under a pipe's buffer ({@link #WINDOW_BYTES}), so no write to a busy
 * worker blocks. Frames given to a worker that still has {@link #WRITE_AHEAD} of them in hand
 * wait in its outbox, and go out together when one of its replies brings it below. Every method
 * here is called with the pool lock held: it reads and writes the workers' tasks.
 */
final class MapWindows {
    /**
     * How many map chunks a worker may hold: the one it runs and the next ones, topped up several
     * at a time (see {@link #WRITE_AHEAD}). More chunks behind a slow one wait for it, where an
     * idle worker could have taken them: a handful, not the whole map.
     */
    static final int WINDOW = 12;
    /**
     * The window of a worker whose chunks are fast ({@link #FAST_CHUNK_NANOS}): a map of tiny items
     * then costs a write and a wake-up on either side per few dozen items, not per few, and what
     * waits behind a chunk is still well under {@code DEEP_WINDOW * FAST_CHUNK_NANOS} of work.
     */
    static final int DEEP_WINDOW = 64;
    /**
     * A worker whose replies came at most this far apart on average, over its latest
     * {@link #PACE_CHUNKS} chunks run back to back, gets the {@link #DEEP_WINDOW}; one slower, or
     * not yet measured, the {@link #WINDOW}.
     */
    static final long FAST_CHUNK_NANOS = 100_000;
    /** How many chunks run back to back one measure of a worker's pace spans. */
    static final int PACE_CHUNKS = 16;
    /** The largest chunk frame sent to a busy worker (see {@link #WINDOW_BYTES}). */
    static final int WINDOW_FRAME_BYTES = 8 << 10;
    /**
     * The most bytes of frames a worker's window may hold: the frames waiting in its channel stay
     * under a pipe's 64 KB buffer, so no write to it blocks while it runs a task.
     */
    static final int WINDOW_BYTES = 48 << 10;
    /**
     * How many frames a busy worker keeps in its channel behind the task it runs before the pool
     * writes more: new frames for it are held back while it has this many, then written together.
     * A worker with the {@link #DEEP_WINDOW} keeps a quarter of it.
     */
    static final int WRITE_AHEAD = 2;

    private MapWindows() {
    }

    /**
     * Asks for a flush of {@code w}'s outbox (adds it to {@code sends}) unless the worker has at
     * least {@link #WRITE_AHEAD} frames written or being written beyond the task it runs: then the
     * new frames wait, and go out together, in one write, when one of its replies brings it below.
     * So a map's window is topped up a few frames at a time rather than with a write per reply,
     * and the worker never runs dry waiting for one. Called with the pool lock held.
     */
    static void flushIfLowLocked(WorkerLink w, List<Runnable> sends) {
        long replied = w.given - w.held.size();
        long ahead = w.flushAsked - replied - 1; // asked-for frames behind the one it runs
        if (w.flushAsked < w.given && ahead < (w.deep ? DEEP_WINDOW / 4 : WRITE_AHEAD)) {
            w.flushAsked = w.given;
            sends.add(w::flushOutbox);
        }
    }

    /**
     * A busy worker among {@code links} that can take {@code t} behind its current task, the one
     * holding fewest, or null. Only a small map chunk waits in a worker: a plain task keeps its
     * cancel and timing semantics whole, and a small frame fits in the channel's buffer, so
     * writing it never blocks on a busy worker. Called with the pool lock held.
     */
    static WorkerLink withRoomLocked(ProcessTask<?> t, Iterable<WorkerLink> links, int maxTasksPerWorker) {
        if (t.frameType != WorkerProtocol.CHUNK || frameBytes(t) > WINDOW_FRAME_BYTES) {
            return null;
        }
        WorkerLink best = null;
        for (WorkerLink w : links) {
            ProcessTask<?> first = w.held.peekFirst();
            if (w.state() == WorkerLink.State.BUSY && first != null && first.frameType == WorkerProtocol.CHUNK
                    && w.held.size() < (w.deep ? DEEP_WINDOW : WINDOW) && w.heldBytes + frameBytes(t) <= WINDOW_BYTES
                    && (maxTasksPerWorker <= 0 || w.tasksRun + w.held.size() < maxTasksPerWorker)
                    && (best == null || w.held.size() < best.held.size())) {
                best = w;
            }
        }
        return best;
    }

    /**
     * The bytes of {@code t}'s frame at most: a chunk is counted with its function's bytes, which
     * it carries when it is its worker's first of that function, so a window's bound holds either way.
     */
    static long frameBytes(ProcessTask<?> t) {
        return t.payload.size() + (t.function == null ? 0 : t.function.fullSize());
    }
}
