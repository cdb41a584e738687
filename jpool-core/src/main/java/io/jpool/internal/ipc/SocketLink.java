package io.jpool.internal.ipc;

import io.jpool.internal.util.Spin;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A {@link ByteLink} over a blocking {@link SocketChannel}, used directly (not through
 * {@code Channels.newInputStream}, whose streams share the channel's blocking lock and so would
 * stall a writer behind a blocked reader). Writes are gathering writes: no copy of the parts.
 */
final class SocketLink implements ByteLink {
    /** The socket buffer size asked for on each side. */
    static final int SOCKET_BUFFER = 2 << 20;

    private final SocketChannel channel;

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
    public void readFully(byte[] b, int off, int len, long pollNanos) throws IOException {
        ByteBuffer into = ByteBuffer.wrap(b, off, len);
        if (pollNanos > 0 && into.hasRemaining()) {
            pollOnce(into, pollNanos);
        }
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new EOFException("connection closed");
            }
        }
    }

    /**
     * Reads without blocking until some bytes came or {@code pollNanos} passed. The channel is
     * non-blocking only meanwhile (a selector would need it so for good): a write by another
     * thread in that window may end short, and {@link #write} then writes the rest; a write that
     * finds the socket's buffer full busy-waits until the poll is over, at most.
     */
    private void pollOnce(ByteBuffer into, long pollNanos) throws IOException {
        channel.configureBlocking(false);
        try {
            long deadline = System.nanoTime() + pollNanos;
            for (int i = 1;; i++) {
                int n = channel.read(into);
                if (n < 0) {
                    throw new EOFException("connection closed");
                }
                if (n > 0 || !Spin.pauseBetweenPolls(i, deadline)) {
                    return;
                }
            }
        } finally {
            channel.configureBlocking(true);
        }
    }

    @Override
    public void write(ByteBuffer[] parts, long size) throws IOException {
        long left = size;
        while (left > 0) {
            left -= channel.write(parts);
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
