package io.jpool.internal.ipc;

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
    public void readFully(byte[] b, int off, int len) throws IOException {
        ByteBuffer into = ByteBuffer.wrap(b, off, len);
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new EOFException("connection closed");
            }
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
