package io.jpool.internal.process.worker;

import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.util.ThreadFactories;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every frame a worker writes goes through here, so that the small replies of a map's
 * consecutive items go out several to a write.
 *
 * <h2>How it works</h2>
 * A reply the worker {@link #hold}s is kept while the worker goes on with the next task whose
 * frame it has already read ahead; {@link #flush} writes the held replies together, in one write,
 * and the worker flushes as soon as it has no next frame in hand, has {@link #MAX_FRAMES} held, or
 * {@link #MAX_BYTES}. A reply written by {@link #write} goes out at once, behind the held ones,
 * so replies keep their order.
 *
 * <p>The caller starts the clock of a worker's next task when it reads the reply of the one
 * before, and cannot tell a task from the results held behind it: a reply held while a long task
 * runs would delay both. So a watchdog thread writes replies held longer than {@link #HOLD_NANOS}
 * (the caller's view of a task's start is late by that much at most), and a worker that exits
 * through {@code System.exit} writes them on its way out ({@link #flushQuietly}): a task that
 * ended its JVM is then the one the caller finds unanswered. The watchdog sleeps (parked, no
 * timer) while nothing has been held for a while, and the first reply kept after wakes it.
 *
 * <p>A worker killed from outside (or crashing in native code) with replies held takes them with
 * it. So replies are held only by a worker that notes each task it starts ({@link StartedMark}):
 * the caller then blames the task that ran, and runs again, at no cost of an attempt, the ones
 * whose replies died held.
 */
final class HeldReplies {
    /** The longest a reply waits for the ones after it; the watchdog's period while replies come. */
    static final long HOLD_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    /** The most replies held at once. */
    static final int MAX_FRAMES = 64;
    /** The most bytes held at once: well under the socket link's single-copy write. */
    static final int MAX_BYTES = 32 << 10;
    /** Watchdog rounds with nothing held before it parks until a reply is held again. */
    private static final int IDLE_ROUNDS = 200;

    private final FrameChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    // ---- guarded by lock
    private final List<ByteBuffer[]> frames = new ArrayList<>();
    private int bytes;
    /** {@code System.nanoTime()} when the oldest held reply was held. */
    private long heldSince;
    /** The watchdog, once started. */
    private Thread watchdog;
    /** The watchdog parked until a reply is held. */
    private boolean watchdogAsleep;

    HeldReplies(FrameChannel channel) {
        this.channel = channel;
    }

    /** Keeps {@code frame}, one buffer holding the whole frame, for the next {@link #flush}. */
    void hold(ByteBuffer frame) {
        lock.lock();
        try {
            if (frames.isEmpty()) {
                heldSince = System.nanoTime();
            }
            frames.add(new ByteBuffer[] {frame});
            bytes += frame.remaining();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The worker goes on to its next task with replies held: the watchdog must be awake to write
     * them if that task is long. (Not in {@link #hold}: a reply flushed at once, a lone task's,
     * should not pay for waking it.)
     */
    void keep() {
        lock.lock();
        try {
            if (!frames.isEmpty()) {
                wakeWatchdogLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /** True if the replies held should go out now, whatever comes next. */
    boolean full() {
        lock.lock();
        try {
            return frames.size() >= MAX_FRAMES || bytes >= MAX_BYTES;
        } finally {
            lock.unlock();
        }
    }

    /** Writes the held replies, if any, in one write. */
    void flush() throws IOException {
        lock.lock();
        try {
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Writes one frame of {@code parts} at once, behind the held replies. */
    void write(ByteBuffer... parts) throws IOException {
        lock.lock();
        try {
            flushLocked();
            channel.write(parts);
        } finally {
            lock.unlock();
        }
    }

    /** Writes one frame of {@code head} and {@code tail} at once, behind the held replies. */
    void write(ByteBuffer[] head, byte[] tail) throws IOException {
        lock.lock();
        try {
            flushLocked();
            channel.write(head, tail);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #flush}, for a JVM on its way out: a channel already gone is no matter. */
    void flushQuietly() {
        try {
            if (lock.tryLock(1, TimeUnit.SECONDS)) {
                try {
                    flushLocked();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException | RuntimeException | InterruptedException ignored) {
            // the JVM exits anyway; the caller then re-runs what it got no reply for
        }
    }

    private void flushLocked() throws IOException {
        if (frames.isEmpty()) {
            return;
        }
        try {
            channel.writeFrames(frames);
        } finally {
            frames.clear(); // after a failed write the channel is gone: nothing more reaches the caller
            bytes = 0;
        }
    }

    private void wakeWatchdogLocked() {
        if (watchdog == null) {
            watchdog = ThreadFactories.startDaemon("jpool-reply-watchdog", this::watch);
        } else if (watchdogAsleep) {
            watchdogAsleep = false;
            LockSupport.unpark(watchdog);
        }
    }

    /** The watchdog: writes replies held longer than {@link #HOLD_NANOS}. */
    private void watch() {
        int idle = 0;
        for (;;) {
            boolean sleep = false;
            lock.lock();
            try {
                if (frames.isEmpty()) {
                    if (++idle >= IDLE_ROUNDS) {
                        watchdogAsleep = sleep = true; // the next keep() wakes it
                        idle = 0;
                    }
                } else {
                    idle = 0;
                    if (System.nanoTime() - heldSince >= HOLD_NANOS) {
                        flushLocked();
                    }
                }
            } catch (IOException e) {
                return; // the channel is gone: the worker is on its way out
            } finally {
                lock.unlock();
            }
            if (sleep) {
                while (isAsleep()) {
                    LockSupport.park(this);
                }
            } else {
                LockSupport.parkNanos(this, HOLD_NANOS);
            }
        }
    }

    private boolean isAsleep() {
        lock.lock();
        try {
            return watchdogAsleep;
        } finally {
            lock.unlock();
        }
    }
}
