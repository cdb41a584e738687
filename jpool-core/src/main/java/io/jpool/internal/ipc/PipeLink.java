package io.jpool.internal.ipc;

import io.jpool.internal.util.Spin;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A {@link ByteLink} over two plain streams, such as the two named pipes between the caller and a
 * worker JVM. Plain {@code java.io} on purpose: a worker that talks over pipes never loads the
 * NIO socket machinery, whose first use is a visible part of a JVM's start-up.
 *
 * <p>A frame of up to {@value #COALESCE} bytes is copied into one array and written with one
 * call, so the reader wakes once per frame; larger frames are written part by part, uncopied.
 * Reads and writes go {@value #COALESCE} bytes (a pipe's buffer) at a time: {@code java.io}
 * copies through a native buffer of the size asked for, and a megabyte one per call costs more
 * than the copy.
 */
final class PipeLink implements ByteLink {
    static final int COALESCE = 64 * 1024;
    /** At most java.io's on-stack buffer: a larger read mallocs a native buffer each time. */
    private static final int READ_BUFFER = 8192;

    private final InputStream in;
    private final OutputStream out;

    PipeLink(InputStream in, OutputStream out) {
        this.in = new BufferedInputStream(in, READ_BUFFER); // a small frame: one read for header and body
        this.out = out;
    }

    @Override
    public void readFully(byte[] b, int off, int len, long pollNanos) throws IOException {
        if (pollNanos > 0 && len > 0) {
            awaitAvailable(pollNanos);
        }
        while (len > 0) {
            // at most a pipe's worth per call: java.io mallocs a native buffer of the size asked
            int n = in.read(b, off, Math.min(len, COALESCE));
            if (n < 0) {
                throw new EOFException("pipe closed");
            }
            off += n;
            len -= n;
        }
    }

    /** Polls the pipe (FIONREAD, through available) until bytes wait or {@code pollNanos} passed. */
    private void awaitAvailable(long pollNanos) throws IOException {
        long deadline = System.nanoTime() + pollNanos;
        for (int i = 1; in.available() == 0 && Spin.pauseBetweenPolls(i, deadline); i++) {
            // polled again at the top
        }
    }

    @Override
    public void write(ByteBuffer[] parts, long size) throws IOException {
        if (size <= COALESCE) {
            byte[] all = new byte[(int) size];
            int at = 0;
            for (ByteBuffer p : parts) {
                int n = p.remaining();
                System.arraycopy(p.array(), p.arrayOffset() + p.position(), all, at, n);
                at += n;
            }
            out.write(all);
        } else {
            for (ByteBuffer p : parts) {
                byte[] a = p.array();
                int end = p.arrayOffset() + p.limit();
                for (int at = p.arrayOffset() + p.position(); at < end; at += COALESCE) {
                    out.write(a, at, Math.min(COALESCE, end - at)); // same native-buffer reason
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }
}
