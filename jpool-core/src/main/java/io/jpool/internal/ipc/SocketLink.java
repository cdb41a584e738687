package io.jpool.internal.ipc;

import io.jpool.internal.util.Spin;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A {@link ByteLink} over a {@link SocketChannel}, used directly (not through
 * {@code Channels.newInputStream}, whose streams share the channel's blocking lock and so would
 * stall a writer behind a blocked reader). Writes are gathering writes: no copy of the parts.
 *
 * <h2>How it works</h2>
 * Reads go through a buffer of {@value #READ_BUFFER} bytes: one {@code read} takes whatever the
 * socket holds, a small frame's header and body together, and often the frames behind it, so a
 * reader whose peer writes faster than it reads makes one system call for several frames. A read
 * that wants more than the buffer holds goes straight into the caller's array.
 *
 * <p>Both directions go through a direct buffer of their own. A read into a heap buffer makes the
 * JDK borrow a temporary direct buffer and copy out of it on every call; a write of small parts
 * (a frame's length, header and body, several frames at once) made it borrow one per part. A
 * write of at most {@value #COALESCE} bytes is copied into this link's own write buffer and goes
 * out as one piece; the parts' positions then move by the bytes the socket took, as a gathering
 * write moves them, so a caller can still tell which frames went out whole when a write fails.
 *
 * <p>A reader that polls ({@link #readFully(byte[], int, int, long)} with {@code pollNanos > 0})
 * turns the channel non-blocking and leaves it so while frames keep coming: switching costs two
 * {@code fcntl} calls each way, and a busy worker polls before every frame. Only a poll that
 * times out turns it back to blocking, for the read that then waits. A write that meets a full
 * socket buffer while the channel is non-blocking turns it blocking and goes on, so a large write
 * waits rather than spins.
 */
final class SocketLink implements ByteLink {
    /** The socket buffer size asked for on each side. */
    static final int SOCKET_BUFFER = 2 << 20;
    /** Bytes read ahead at most: many small frames, and a read larger than it is not copied twice. */
    static final int READ_BUFFER = 64 * 1024;
    /** Writes of at most this many bytes are copied into {@link #writeBuffer} and written in one piece. */
    static final int COALESCE = 64 * 1024;

    private final SocketChannel channel;
    /**
     * Bytes read from the socket and not yet handed out, between its position and limit; the
     * reading thread's. Allocated at the first read: a link used only to write needs none.
     */
    private ByteBuffer buffer;
    /** The direct buffer small writes are copied into; writes are serialized by the frame channel. */
    private ByteBuffer writeBuffer;

    SocketLink(SocketChannel channel) {
        this.channel = channel;
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

    @Override
    public ByteBuffer readAhead() {
        ByteBuffer buf = buffer;
        return buf == null ? EMPTY : buf.asReadOnlyBuffer();
    }

    @Override
    public void readFully(byte[] b, int off, int len, long pollNanos) throws IOException {
        ByteBuffer buf = buffer;
        if (buf == null) {
            buf = ByteBuffer.allocateDirect(READ_BUFFER).flip(); // empty
            buffer = buf;
        }
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        off += n;
        len -= n;
        if (len > 0 && pollNanos > 0) {
            poll(buf, pollNanos);
        }
        while (len > 0) {
            if (!buf.hasRemaining() && len >= READ_BUFFER) {
                readDirectly(b, off, len);
                return;
            }
            if (!buf.hasRemaining()) {
                fill(buf);
            }
            n = Math.min(len, buf.remaining());
            buf.get(b, off, n);
            off += n;
            len -= n;
        }
    }

    /**
     * Reads without blocking into the empty {@code buf} until some bytes came or {@code pollNanos}
     * passed; the channel stays non-blocking if bytes came, and is blocking again if none did.
     */
    private void poll(ByteBuffer buf, long pollNanos) throws IOException {
        if (channel.isBlocking()) {
            channel.configureBlocking(false);
        }
        long deadline = System.nanoTime() + pollNanos;
        buf.clear();
        try {
            for (int i = 1;; i++) {
                int n = channel.read(buf);
                if (n < 0) {
                    throw new EOFException("connection closed");
                }
                if (n > 0) {
                    return;
                }
                if (!Spin.pauseBetweenPolls(i, deadline)) {
                    channel.configureBlocking(true); // the read that follows waits
                    return;
                }
            }
        } finally {
            buf.flip();
        }
    }

    /** Reads at least one byte into the empty {@code buf}, waiting for it. */
    private void fill(ByteBuffer buf) throws IOException {
        buf.clear();
        try {
            for (;;) {
                int n = channel.read(buf);
                if (n < 0) {
                    throw new EOFException("connection closed");
                }
                if (n > 0) {
                    return;
                }
                channel.configureBlocking(true); // left non-blocking by a poll: wait now
            }
        } finally {
            buf.flip();
        }
    }

    /** Reads {@code b[off, off + len)} straight from the socket (the buffer is empty). */
    private void readDirectly(byte[] b, int off, int len) throws IOException {
        ByteBuffer into = ByteBuffer.wrap(b, off, len);
        while (into.hasRemaining()) {
            int n = channel.read(into);
            if (n < 0) {
                throw new EOFException("connection closed");
            }
            if (n == 0) {
                channel.configureBlocking(true); // left non-blocking by a poll: wait now
            }
        }
    }

    @Override
    public void write(ByteBuffer[] parts, long size) throws IOException {
        if (size <= COALESCE) {
            writeCopied(parts, (int) size);
            return;
        }
        long left = size;
        while (left > 0) {
            long n = channel.write(parts);
            left -= n;
            if (n == 0) {
                channel.configureBlocking(true); // non-blocking for a poll, and the buffer is full: wait
            }
        }
    }

    /** Writes {@code parts} ({@code size} bytes) as one piece from {@link #writeBuffer}. */
    private void writeCopied(ByteBuffer[] parts, int size) throws IOException {
        ByteBuffer out = writeBuffer;
        if (out == null) {
            out = ByteBuffer.allocateDirect(COALESCE);
            writeBuffer = out;
        }
        out.clear();
        for (ByteBuffer p : parts) {
            out.put(p.duplicate()); // the parts move only by what the socket takes (see below)
        }
        out.flip();
        try {
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    channel.configureBlocking(true); // non-blocking for a poll, and the buffer is full: wait
                }
            }
        } finally {
            advance(parts, out.position());
        }
    }

    /** Moves the positions of {@code parts} past their first {@code written} bytes, as a gathering write would. */
    private static void advance(ByteBuffer[] parts, int written) {
        for (ByteBuffer p : parts) {
            int n = Math.min(written, p.remaining());
            p.position(p.position() + n);
            written -= n;
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
