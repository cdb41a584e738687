package io.jpool.internal.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes under a {@link FrameChannel}: a blocking socket ({@link SocketLink}) or a pair of
 * pipes ({@link PipeLink}). One thread reads; writes are serialized by the frame channel.
 */
interface ByteLink {

    /** Fills {@code b[off, off + len)}; EOFException if the peer closed first. */
    default void readFully(byte[] b, int off, int len) throws IOException {
        readFully(b, off, len, 0L);
    }

    /**
     * {@link #readFully(byte[], int, int)}, but while no byte has come, it first polls for up to
     * {@code pollNanos} without blocking (yielding its CPU now and then), and blocks only after:
     * for a reader that expects the bytes within microseconds. A thread that blocks at once goes
     * to sleep, and on a VM so may its virtual CPU, and waking both costs tens of microseconds.
     */
    void readFully(byte[] b, int off, int len, long pollNanos) throws IOException;

    /** Writes the remaining bytes of {@code parts}, {@code size} in all, in order. */
    void write(ByteBuffer[] parts, long size) throws IOException;

    /**
     * The bytes already read from the peer and not yet handed out (read ahead by this link's
     * buffer), as a read-only view, or an empty buffer; the reading thread's.
     */
    default ByteBuffer readAhead() {
        return EMPTY;
    }

    /** An empty buffer: no bytes read ahead. */
    ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Closes both directions; never throws. */
    void close();
}
