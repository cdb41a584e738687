package io.jpool.internal.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Length-prefixed frames over a blocking {@link SocketChannel}: {@code [int length][bytes]}, or,
 * for a frame that ends in a large array, {@code [int headLength | 1<<31][int tailLength][head]
 * [tail]}: the reader then reads the tail straight into an array of its own ({@link #tail()}), so a
 * megabyte {@code byte[]} is not copied out of the frame a second time.
 * One thread reads, any number write (writes are serialized by a lock). Uses the channel
 * directly, not {@code Channels.newInputStream}, whose streams share the channel's blocking lock
 * and so would stall a writer behind a blocked reader.
 */
public final class FrameChannel implements AutoCloseable {
    /** The default largest frame read. */
    public static final int MAX_FRAME = 64 << 20;
    /** The socket buffer size asked for on each side. */
    static final int SOCKET_BUFFER = 2 << 20;

    private final SocketChannel channel;
    private final int maxFrame;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer header = ByteBuffer.allocate(4);
    private static final int TAIL_BIT = 1 << 31;
    /** The tail of the frame last read, or null; only the reading thread uses it. */
    private byte[] tail;

    public FrameChannel(SocketChannel channel) {
        this(channel, MAX_FRAME);
    }

    /** A channel that refuses to read frames longer than {@code maxFrame} bytes. */
    public FrameChannel(SocketChannel channel, int maxFrame) {
        this.channel = channel;
        this.maxFrame = maxFrame;
        widenBuffers(channel);
    }

    /**
     * Asks for socket buffers of {@link #SOCKET_BUFFER} bytes, so that a megabyte-sized frame
     * crosses in one or two writes instead of five wake-ups of the reader. The kernel caps the
     * request (net.core.wmem_max); a refusal only costs speed.
     */
    private static void widenBuffers(SocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
        } catch (IOException | UnsupportedOperationException e) {
            // a narrower buffer still works
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
            long left = size;
            while (left > 0) {
                left -= channel.write(all);
            }
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
        if ((length & TAIL_BIT) != 0) {
            length &= ~TAIL_BIT;
            tailLength = readInt();
        }
        if (tailLength < 0 || (long) length + tailLength > maxFrame) {
            throw new IOException("bad frame length " + length + "+" + tailLength + " (limit " + maxFrame + ")");
        }
        byte[] head = new byte[length];
        readFully(ByteBuffer.wrap(head));
        tail = null;
        if (tailLength > 0) {
            byte[] t = new byte[tailLength];
            readFully(ByteBuffer.wrap(t));
            tail = t;
        }
        return head;
    }

    /** The tail of the frame that {@link #read()} returned last, or null if it had none. */
    public byte[] tail() {
        return tail;
    }

    private int readInt() throws IOException {
        header.clear();
        readFully(header);
        return header.getInt(0);
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("connection closed");
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }
}
