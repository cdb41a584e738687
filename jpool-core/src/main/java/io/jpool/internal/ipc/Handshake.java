package io.jpool.internal.ipc;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Reads the first frame of a fresh, not yet authenticated connection to a private socket: exactly
 * {@code [int length][length bytes]} with a length fixed in advance, within a deadline.
 *
 * <h2>How it works</h2>
 * The peer is not trusted yet, so nothing it says decides how much is read or how long: the
 * channel goes non-blocking for the handshake and a selector of its own waits for bytes until the
 * deadline; a length prefix other than the expected one ends the handshake at once, before any
 * more is read. Only the {@code 4 + length} bytes of the expected frame are ever allocated. The
 * channel is back in blocking mode when this returns normally, ready for a {@link FrameChannel}.
 */
public final class Handshake {
    /** How long a new connection has to send its first frame. */
    public static final long DEFAULT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private Handshake() {
    }

    /**
     * The body of the first frame on {@code ch} (its {@code length} bytes, after the length
     * prefix). IOException if the peer sends another length, closes, or has not sent the whole
     * frame within {@code timeoutNanos}; the caller then closes the channel.
     */
    public static byte[] readFirstFrame(SocketChannel ch, int length, long timeoutNanos) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(4);
        ByteBuffer body = ByteBuffer.allocate(length);
        long deadline = System.nanoTime() + timeoutNanos;
        ch.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_READ);
            fill(ch, selector, prefix, deadline);
            int declared = prefix.getInt(0);
            if (declared != length) {
                throw new IOException("a new connection's first frame declared " + declared
                        + " bytes where the handshake has " + length + ": not a jpool peer");
            }
            fill(ch, selector, body, deadline);
        }
        ch.configureBlocking(true); // the selector's close deregistered the channel
        return body.array();
    }

    private static void fill(SocketChannel ch, Selector selector, ByteBuffer into, long deadline) throws IOException {
        while (into.hasRemaining()) {
            if (ch.read(into) < 0) {
                throw new IOException("a new connection closed before its handshake");
            }
            if (!into.hasRemaining()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("a new connection sent no handshake in time");
            }
            selector.select(Math.max(1L, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
        }
    }
}
