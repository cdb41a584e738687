package io.jpool.internal.ipc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Length-prefixed frames over a blocking socket or a pair of pipes: {@code [int length][bytes]}, or,
 * for a frame that ends in a large array, {@code [int headLength | 1<<31][int tailLength][head]
 * [tail]}: the reader then reads the tail straight into an array of its own ({@link #tail()}), so a
 * megabyte {@code byte[]} is not copied out of the frame a second time.
 * One thread reads, any number write (writes are serialized by a lock).
 *
 * <p>A channel over pipes may get a <em>side link</em> ({@link #attachSide}): a socket that
 * carries only the tails of {@value #SIDE_MIN} bytes or more, marked by the top bit of the tail
 * length. A pipe moves 64 KiB per wake-up of its reader, a socket with wide buffers megabytes, so
 * large values cross several times faster there. Tails go on the side link in frame order (the
 * write lock covers both writes), so the reader takes them in the same order.
 */
public final class FrameChannel implements AutoCloseable {
    /** The default largest frame read. */
    public static final int MAX_FRAME = 64 << 20;

    /** The smallest tail sent over the side link, when there is one. */
    public static final int SIDE_MIN = 256 * 1024;
    private static final int SIDE_BIT = 1 << 31;

    private final ByteLink link;
    /** Tails of SIDE_MIN bytes or more, once attached; else null. */
    private volatile ByteLink side;
    private final java.util.concurrent.CountDownLatch sideAttached = new java.util.concurrent.CountDownLatch(1);
    private final int maxFrame;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final byte[] header = new byte[4];
    private static final int TAIL_BIT = 1 << 31;
    /** The tail of the frame last read, or null; only the reading thread uses it. */
    private byte[] tail;

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
        this.link = link;
        this.maxFrame = maxFrame;
    }

    /** True if this channel runs over pipes (and so would gain from a side link). */
    public boolean overPipes() {
        return link instanceof PipeLink;
    }

    /** True once a side link is attached. */
    public boolean hasSide() {
        return side != null;
    }

    /**
     * From now on large tails travel over {@code other}'s connection, which must carry nothing
     * else (the peer must attach its end too). Once only; later calls close {@code other}.
     */
    public void attachSide(FrameChannel other) {
        writeLock.lock();
        try {
            if (side != null) {
                other.close();
                return;
            }
            side = other.link;
        } finally {
            writeLock.unlock();
        }
        sideAttached.countDown();
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
        writeLock.lock();
        try {
            ByteLink s = tail.length >= SIDE_MIN ? side : null;
            ByteBuffer[] all = new ByteBuffer[head.length + (s == null ? 2 : 1)];
            all[0] = ByteBuffer.allocate(8).putInt(0, (int) headSize | TAIL_BIT)
                    .putInt(4, s == null ? tail.length : tail.length | SIDE_BIT);
            System.arraycopy(head, 0, all, 1, head.length);
            if (s == null) {
                all[head.length + 1] = ByteBuffer.wrap(tail);
                link.write(all, headSize + tail.length + 8);
            } else {
                link.write(all, headSize + 8);
                s.write(new ByteBuffer[] {ByteBuffer.wrap(tail)}, tail.length);
            }
        } finally {
            writeLock.unlock();
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
            link.write(all, size);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * The next frame (its head, if it has a tail); EOFException when the peer closed. Only one
     * thread may read.
     */
    public byte[] read() throws IOException {
        int length = readInt();
        int tailLength = 0;
        boolean onSide = false;
        if ((length & TAIL_BIT) != 0) {
            length &= ~TAIL_BIT;
            tailLength = readInt();
            onSide = (tailLength & SIDE_BIT) != 0;
            tailLength &= ~SIDE_BIT;
        }
        if (tailLength < 0 || (long) length + tailLength > maxFrame) {
            throw new IOException("bad frame length " + length + "+" + tailLength + " (limit " + maxFrame + ")");
        }
        byte[] head = new byte[length];
        link.readFully(head, 0, length);
        tail = null;
        if (tailLength > 0) {
            byte[] t = new byte[tailLength];
            (onSide ? awaitSide() : link).readFully(t, 0, tailLength);
            tail = t;
        }
        return head;
    }

    /** The tail of the frame that {@link #read()} returned last, or null if it had none. */
    public byte[] tail() {
        return tail;
    }

    /** The side link; the peer may use its end a moment before this end is attached. */
    private ByteLink awaitSide() throws IOException {
        try {
            if (!sideAttached.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IOException("a tail was sent on a side link that was never attached");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the side link");
        }
        ByteLink s = side;
        if (s == null) {
            throw new java.io.EOFException("the channel closed");
        }
        return s;
    }

    private int readInt() throws IOException {
        link.readFully(header, 0, 4);
        return ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
    }

    @Override
    public void close() {
        link.close();
        ByteLink s = side;
        if (s != null) {
            s.close();
        }
        sideAttached.countDown(); // a reader waiting for the side link gives up
    }
}
