package io.jpool.internal.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Length-prefixed frames over a blocking socket or a pair of pipes: {@code [int length][bytes]}, or,
 * for a frame that ends in a large array, {@code [int headLength | 1<<31][int tailLength][head]
 * [tail]}: the reader then reads the tail straight into an array of its own ({@link #tail()}), so a
 * megabyte {@code byte[]} is not copied out of the frame a second time.
 * One thread reads, any number write (writes are serialized by a lock). A sender with several
 * frames at once writes them together ({@link #writeFrames}): over a socket, one system call.
 *
 * <p>A channel that starts on pipes can move to a socket ({@link #moveTo}): each end, once it
 * holds the socket, writes a {@code MOVED} mark (a header no frame can have) as its last bytes on
 * the pipe and sends every later frame over the socket; a reader that meets the mark reads on
 * from the socket. The two directions move independently, and no frame is lost or reordered.
 * Pipes cost a fresh JVM nothing to open, where its first socket loads the NIO socket machinery;
 * a socket with wide buffers then carries small frames sooner and large ones faster than a pipe.
 *
 * <p>A reader that expects its next frame within microseconds (a worker between tasks, a manager
 * between calls) can have {@link #read()} poll for it a while before blocking
 * ({@link #pollBeforeBlocking}): the wake-up of a blocked reader, on a VM especially, costs more
 * than a small frame's own way across.
 */
public final class FrameChannel implements AutoCloseable {
    /** The default largest frame read. */
    public static final int MAX_FRAME = 64 << 20;
    private static final int TAIL_BIT = 1 << 31;
    /** The header that says: every later frame comes over the socket. */
    private static final int MOVED = -1;

    /** The link this channel was made on. */
    private final ByteLink first;
    /** The socket both ends moved to, once this end holds it; else null. */
    private volatile ByteLink moved;
    private final CountDownLatch movedHere = new CountDownLatch(1);
    private final int maxFrame;
    private final ReentrantLock writeLock = new ReentrantLock();
    private ByteLink writeLink; // guarded by writeLock
    private ByteLink readLink;  // the reading thread's
    private final byte[] header = new byte[4];
    /** The tail of the frame last read, or null; only the reading thread uses it. */
    private byte[] tail;
    /** How long {@link #read()} polls for a frame before it blocks; the reading thread's. */
    private long pollNanos;

    public FrameChannel(SocketChannel channel) {
        this(channel, MAX_FRAME);
    }

    /** A channel that refuses to read frames longer than {@code maxFrame} bytes. */
    public FrameChannel(SocketChannel channel, int maxFrame) {
        this(new SocketLink(channel), maxFrame);
    }

    /** Frames read from {@code in} and written to {@code out} (two pipes, say). */
    public FrameChannel(InputStream in, OutputStream out, int maxFrame) {
        this(new PipeLink(in, out), maxFrame);
    }

    private FrameChannel(ByteLink link, int maxFrame) {
        this.first = link;
        this.writeLink = link;
        this.readLink = link;
        this.maxFrame = maxFrame;
    }

    /** True if this channel was made on pipes (and so would gain from moving to a socket). */
    public boolean overPipes() {
        return first instanceof PipeLink;
    }

    /** True once this end moved to a socket. */
    public boolean hasMoved() {
        return moved != null;
    }

    /**
     * Moves this end to {@code socket}, a fresh connection to the peer that carries nothing else
     * and that the peer moves its end to as well: marks the end of this end's frames on the
     * current link, then writes every later frame on {@code socket}; this end's reader follows
     * when it meets the peer's mark. Once only: a second call closes {@code socket}.
     */
    public void moveTo(FrameChannel socket) throws IOException {
        writeLock.lock();
        try {
            if (moved != null) {
                socket.close();
                return;
            }
            moved = socket.first;
            movedHere.countDown();
            writeLink.write(new ByteBuffer[] {ByteBuffer.allocate(4).putInt(0, MOVED)}, 4);
            writeLink = socket.first;
        } finally {
            writeLock.unlock();
        }
    }

    public void write(byte[] payload) throws IOException {
        write(ByteBuffer.wrap(payload));
    }

    /** Writes one frame made of {@code parts} back to back, without copying them together. */
    public void write(ByteBuffer... parts) throws IOException {
        long total = checkedSize(parts);
        ByteBuffer[] all = new ByteBuffer[parts.length + 1];
        all[0] = ByteBuffer.allocate(4).putInt(0, (int) total);
        System.arraycopy(parts, 0, all, 1, parts.length);
        writeAll(all, total + 4);
    }

    /**
     * Writes one frame made of {@code head} then {@code tail}; the reader gets {@code tail} as an
     * array of its own from {@link #tail()} after {@link #read()} returned the head.
     */
    public void write(ByteBuffer[] head, byte[] tail) throws IOException {
        long headSize = checkedSize(head);
        if (headSize + tail.length > Integer.MAX_VALUE - 12) {
            throw new IOException("frame of " + (headSize + tail.length) + " bytes is too large");
        }
        ByteBuffer[] all = new ByteBuffer[head.length + 2];
        all[0] = ByteBuffer.allocate(8).putInt(0, (int) headSize | TAIL_BIT).putInt(4, tail.length);
        System.arraycopy(head, 0, all, 1, head.length);
        all[head.length + 1] = ByteBuffer.wrap(tail);
        writeAll(all, headSize + tail.length + 8);
    }

    /**
     * Writes several frames, each made of its parts, back to back; on a socket in one gathering
     * write (a sender with a batch of small frames makes one system call, and the reader one wake-up).
     * Returns how many frames were written, all of them; if the write fails, the
     * {@link PartialWrite} thrown says how many of the first frames went out whole.
     */
    public int writeFrames(List<ByteBuffer[]> frames) throws IOException {
        writeLock.lock();
        try {
            if (!(writeLink instanceof SocketLink)) {
                for (int i = 0; i < frames.size(); i++) {
                    try {
                        write(frames.get(i));
                    } catch (IOException e) {
                        throw new PartialWrite(i, e);
                    }
                }
                return frames.size();
            }
            List<ByteBuffer> all = new ArrayList<>(frames.size() * 4);
            long total = 0;
            for (int i = 0; i < frames.size(); i++) {
                ByteBuffer[] parts = frames.get(i);
                long size;
                try {
                    size = checkedSize(parts);
                } catch (IOException e) {
                    writeGathered(all, total, frames, i);
                    throw new PartialWrite(i, e);
                }
                all.add(ByteBuffer.allocate(4).putInt(0, (int) size));
                all.addAll(Arrays.asList(parts));
                total += size + 4;
            }
            writeGathered(all, total, frames, frames.size());
            return frames.size();
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes {@code all}, the first {@code n} of {@code frames}; PartialWrite saying how many went out whole if it fails. */
    private void writeGathered(List<ByteBuffer> all, long total, List<ByteBuffer[]> frames, int n) throws IOException {
        try {
            writeLink.write(all.toArray(new ByteBuffer[0]), total);
        } catch (IOException e) {
            int whole = 0; // a socket's write moves each buffer's position past the bytes it took
            while (whole < n && written(frames.get(whole))) {
                whole++;
            }
            throw new PartialWrite(whole, e);
        }
    }

    private static boolean written(ByteBuffer[] parts) {
        for (ByteBuffer p : parts) {
            if (p.hasRemaining()) {
                return false;
            }
        }
        return true;
    }

    /** A {@link #writeFrames} that failed after its first {@link #framesWritten} frames went out whole. */
    public static final class PartialWrite extends IOException {
        private static final long serialVersionUID = 1L;
        private final int framesWritten;

        PartialWrite(int framesWritten, IOException cause) {
            super(cause.getMessage(), cause);
            this.framesWritten = framesWritten;
        }

        /** How many of the frames were written whole before the failure. */
        public int framesWritten() {
            return framesWritten;
        }
    }

    private static long checkedSize(ByteBuffer[] parts) throws IOException {
        long total = 0;
        for (ByteBuffer p : parts) {
            total += p.remaining();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException("frame of " + total + " bytes is too large");
        }
        return total;
    }

    private void writeAll(ByteBuffer[] all, long size) throws IOException {
        writeLock.lock();
        try {
            writeLink.write(all, size);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Makes {@link #read()} poll for up to {@code nanos} for the next frame before it blocks (0,
     * the default: block at once): for a reader whose next frame usually follows within
     * microseconds, as a worker's next task follows its result. Called by the reading thread.
     */
    public void pollBeforeBlocking(long nanos) {
        pollNanos = Math.max(0L, nanos);
    }

    /**
     * The next frame (its head, if it has a tail); EOFException when the peer closed. Only one
     * thread may read.
     */
    public byte[] read() throws IOException {
        int length = readInt(pollNanos);
        while (length == MOVED) {
            readLink = awaitMoved(); // the peer's later frames come over the socket
            length = readInt(pollNanos);
        }
        int tailLength = 0;
        if ((length & TAIL_BIT) != 0) {
            length &= ~TAIL_BIT;
            tailLength = readInt(0L);
        }
        if (tailLength < 0 || (long) length + tailLength > maxFrame) {
            throw new IOException("bad frame length " + length + "+" + tailLength + " (limit " + maxFrame + ")");
        }
        byte[] head = new byte[length];
        readLink.readFully(head, 0, length);
        tail = null;
        if (tailLength > 0) {
            byte[] t = new byte[tailLength];
            readLink.readFully(t, 0, tailLength);
            tail = t;
        }
        return head;
    }

    /**
     * True if the next frame is already here whole, read ahead with an earlier frame: a
     * {@link #read()} now returns it without a system call. Called by the reading thread.
     */
    public boolean nextFrameHere() {
        ByteBuffer ahead = readLink.readAhead();
        if (ahead.remaining() < 4) {
            return false;
        }
        int length = ahead.getInt(ahead.position());
        if (length == MOVED) {
            return false;
        }
        if ((length & TAIL_BIT) == 0) {
            return ahead.remaining() - 4 >= length;
        }
        if (ahead.remaining() < 8) {
            return false;
        }
        return ahead.remaining() - 8L >= (long) (length & ~TAIL_BIT) + ahead.getInt(ahead.position() + 4);
    }

    /** The tail of the frame that {@link #read()} returned last, or null if it had none. */
    public byte[] tail() {
        return tail;
    }

    /** The socket; the peer may move a moment before this end holds it. */
    private ByteLink awaitMoved() throws IOException {
        try {
            if (!movedHere.await(60, TimeUnit.SECONDS)) {
                throw new IOException("the peer moved to a socket that this end never got");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the socket");
        }
        ByteLink m = moved;
        if (m == null) {
            throw new EOFException("the channel closed");
        }
        return m;
    }

    private int readInt(long pollNanos) throws IOException {
        readLink.readFully(header, 0, 4, pollNanos);
        return ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    }

    @Override
    public void close() {
        first.close();
        ByteLink m = moved;
        if (m != null) {
            m.close();
        }
        movedHere.countDown(); // a reader waiting for the socket gives up
    }
}
