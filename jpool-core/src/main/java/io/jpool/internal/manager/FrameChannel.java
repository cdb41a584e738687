package io.jpool.internal.manager;

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
final class FrameChannel implements AutoCloseable {
    static final int MAX_FRAME = 64 << 20;

    private final SocketChannel channel;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer header = ByteBuffer.allocate(4);

    FrameChannel(SocketChannel channel) {
        this.channel = channel;
    }

    void write(byte[] payload) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4).putInt(0, payload.length);
        ByteBuffer body = ByteBuffer.wrap(payload);
        writeLock.lock();
        try {
            while (len.hasRemaining()) {
                channel.write(len);
            }
            while (body.hasRemaining()) {
                channel.write(body);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** The next frame; EOFException when the peer closed. Only one thread may read. */
    byte[] read() throws IOException {
        header.clear();
        readFully(header);
        int length = header.getInt(0);
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("bad frame length " + length + " (limit " + MAX_FRAME + ")");
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
