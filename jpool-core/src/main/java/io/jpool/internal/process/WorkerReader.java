package io.jpool.internal.process;

import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.util.Spin;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;

/**
 * The thread that reads one worker's replies until its channel ends.
 *
 * <h2>How it works</h2>
 * For each reply it first hands the worker back to the scheduler
 * ({@link ProcessPoolImpl#replied}: the worker's next task starts, or it goes back to the idle
 * workers), so a caller who submits right after {@code get} returns finds a worker free, and only
 * then decodes the result ({@link ResultDecoder}) and completes the future. A SOCKET_WANTED frame
 * goes to the launcher, which moves the worker to the pool's socket. While the worker holds more
 * tasks (a map's window), the reader polls the channel for {@link #POLL_NANOS} before it blocks;
 * the channel reads ahead, so replies that came together are handled one after another with no
 * system call between them, and their futures are completed together once the last is read
 * ({@link #deliverBurst}).
 *
 * <p>Nothing a worker sends kills this thread: an Error while decoding a result fails that task
 * only; a corrupt frame, or any Throwable while reading one (an OutOfMemoryError for a huge frame),
 * kills the worker as faulty. Whatever happens, the thread ends in
 * {@link ProcessPoolImpl#workerDied} ({@link WorkerDeaths}), which it runs itself: that is why {@link WorkerLink#readToEnd}
 * needs no lock.
 */
final class WorkerReader implements Runnable {
    private final ProcessPoolImpl pool;
    private final WorkerLauncher launcher;
    private final ResultDecoder decoder;
    private final WorkerLink w;

    WorkerReader(ProcessPoolImpl pool, WorkerLauncher launcher, ResultDecoder decoder, WorkerLink w) {
        this.pool = pool;
        this.launcher = launcher;
        this.decoder = decoder;
        this.w = w;
    }

    /**
     * How long the reader polls for its worker's next reply before it blocks, while the worker
     * holds more tasks: a worker running a map's small chunks replies every few microseconds, and a reader still awake then saves its own wake-up and the
     * worker's write the cost of waking it, most of the CPU a small map item cost on either side.
     * 0 on one CPU, where polling would keep the worker from running.
     */
    private static final long POLL_NANOS = Spin.nanos(50_000L);

    /** The most replies a burst holds back before they are delivered. */
    static final int MAX_BURST = 64;

    /** Replies read and handed back to the scheduler, not yet delivered (see {@link #deliverBurst}). */
    private final ArrayList<Reply> burst = new ArrayList<>();

    /** A reply whose task is off its worker and whose future is still to be completed. */
    private record Reply(ProcessTask<?> task, byte type, byte[] frame, byte[] tail) {
    }

    @Override
    public void run() {
        try {
            for (;;) {
                byte[] frame = w.channel.read();
                byte type = ResultDecoder.replyType(frame);
                if (type == WorkerProtocol.SOCKET_WANTED) {
                    launcher.offerSocket(w);
                    continue;
                }
                ProcessTask<?> t = pool.replied(w, WorkerProtocol.id(frame));
                // poll only while its window holds more: a lone task's reply is awaited asleep, as before
                w.channel.pollBeforeBlocking(w.heldAfterReply > 0 ? POLL_NANOS : 0L);
                burst.add(new Reply(t, type, frame, w.channel.tail()));
                if (!w.channel.nextFrameHere() || burst.size() >= MAX_BURST) {
                    deliverBurst();
                }
            }
        } catch (EOFException e) {
            // the channel ended: the worker exited or was killed, and every frame it wrote was read
            w.readToEnd = true;
        } catch (IOException e) {
            // the channel failed under a live worker (a frame longer than allowed, say): its
            // report says so rather than name the kill that follows
            if (!w.awaitExitWithin(1000)) {
                w.fault("its channel failed: " + e.getMessage());
            } else {
                // it died (a socket whose peer died with frames unread says "reset" once the
                // frames in its buffer are read): every frame it wrote was read
                w.readToEnd = true;
            }
        } catch (CorruptFrame e) {
            w.fault("it sent a corrupt frame: " + e.getMessage());
        } catch (Throwable e) {
            w.fault("it sent a corrupt frame: reading it threw " + e);
        } finally {
            try {
                deliverBurst(); // handed back already: their futures end here, or never
            } finally {
                pool.workerDied(w);
            }
        }
    }

    /**
     * Completes the futures of the burst, the latest first: a map's caller waits for the earliest
     * of them, and woken only once the others are done too, it takes them all in one go instead
     * of waking (and, on a busy CPU, preempting this thread) once per reply.
     */
    private void deliverBurst() {
        for (int i = burst.size() - 1; i >= 0; i--) {
            Reply r = burst.get(i);
            decoder.deliver(r.task(), r.type(), r.frame(), r.tail());
        }
        burst.clear();
    }
}
