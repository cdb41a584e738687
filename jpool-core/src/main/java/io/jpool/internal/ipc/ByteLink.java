package io.jpool.internal.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes under a {@link FrameChannel}: a blocking socket ({@link SocketLink}) or a pair of
 * pipes ({@link PipeLink}). One thread reads; writes are serialized by the frame channel.
 */
interface ByteLink {

    /** Fills {@code b[off, off + len)}; EOFException if the peer closed first. */
    void readFully(byte[] b, int off, int len) throws IOException;

    /** Writes the remaining bytes of {@code parts}, {@code size} in all, in order. */
    void write(ByteBuffer[] parts, long size) throws IOException;

    /** Closes both directions; never throws. */
    void close();
}
