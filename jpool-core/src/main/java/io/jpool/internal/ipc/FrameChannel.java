package io.jpool.internal.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Length-prefixed frames over a blocking {@link SocketChannel}: {@code [int length][bytes]}.
 * One thread reads, any number write (writes are serialized by a lock). Uses the channel
 * directly, not {@code Channels.newInputStream}, whose streams share the channel's blocking lock
 * and so would stall a writer behind a blocked reader.
 */
public final class FrameChannel implements AutoCloseable {
    /** The default largest frame read. */
    public static final int MAX_FRAME = 64 << 20;

    private final SocketChannel channel;
    private final int maxFrame;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer header = ByteBuffer.allocate(4);

    public FrameChannel(SocketChannel channel) {
        this(channel, MAX_FRAME);
    }

    /** A channel that refuses to read frames longer than {@code maxFrame} bytes. */
    public FrameChannel(SocketChannel channel, int maxFrame) {
        this.channel = channel;
        this.maxFrame = maxFrame;
    }

    public void write(byte[] payload) throws IOException {
        write(ByteBuffer.wrap(payload));
    }

    /** Writes one frame made of {@code parts} back to back, without copying them together. */
    public void write(ByteBuffer... parts) throws IOException {
        long total = 0;
        for (ByteBuffer p : parts) {
            total += p.remaining();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException("frame of " + total + " bytes is too large");
        }
        ByteBuffer[] all = new ByteBuffer[parts.length + 1];
        all[0] = ByteBuffer.allocate(4).putInt(0, (int) total);
        System.arraycopy(parts, 0, all, 1, parts.length);
        writeLock.lock();
        try {
            long left = total + 4;
            while (left > 0) {
                left -= channel.write(all);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** The next frame; EOFException when the peer closed. Only one thread may read. */
    public byte[] read() throws IOException {
        header.clear();
        readFully(header);
        int length = header.getInt(0);
        if (length < 0 || length > maxFrame) {
            throw new IOException("bad frame length " + length + " (limit " + maxFrame + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(body);
        return body.array();
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
