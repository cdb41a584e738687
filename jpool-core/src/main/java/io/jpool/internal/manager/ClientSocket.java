package io.jpool.internal.manager;

import io.jpool.internal.ipc.FrameChannel;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A worker JVM's socket to a manager, as frames ({@code [int length][bytes]}, what
 * {@link FrameChannel} writes): written by any thread, read by whichever one thread holds
 * {@link ManagerClient}'s read role at the time.
 *
 * <h2>How it works</h2>
 * The channel is non-blocking for its whole life, so that the thread that reads can be a caller
 * waiting for its own answer: a non-blocking read is never cut off by an interrupt, where an
 * interrupt during a blocking read closes the channel (and with it every call in flight). A
 * reader that finds nothing and wants to wait does so in {@link #awaitReadable}, a selector,
 * which an interrupt only wakes. Bytes read wait in a buffer, so a frame may arrive over several
 * reads, and several frames in one. A write that meets a full socket buffer waits for room on
 * a second selector, with the caller's interrupt put aside until the frame is out whole: half a
 * frame would break the stream for every caller.
 */
final class ClientSocket implements AutoCloseable {
    /** Bytes read ahead at most; a larger frame is assembled from several reads. */
    private static final int READ_BUFFER = 64 * 1024;
    /** The socket buffer size asked for on each side, as the process pool's sockets. */
    private static final int SOCKET_BUFFER = 2 << 20;

    private final SocketChannel channel;
    private final Selector readable;
    private final Selector writable;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Bytes read and not handed out yet, between position and limit; the reading thread's. */
    private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER).flip();
    /** The frame being assembled and how much of it came, or null between frames; the reading thread's. */
    private byte[] frame;
    private int filled;

    private ClientSocket(SocketChannel channel, Selector readable, Selector writable) {
        this.channel = channel;
        this.readable = readable;
        this.writable = writable;
    }

    /** Connects to the manager's socket at {@code path}. */
    static ClientSocket connect(String path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector r = null;
        Selector w = null;
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
            try {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            } catch (IOException | UnsupportedOperationException e) {
                // a narrower buffer still works
            }
            ch.configureBlocking(false);
            r = Selector.open();
            w = Selector.open();
            ch.register(r, SelectionKey.OP_READ);
            ch.register(w, SelectionKey.OP_WRITE);
            return new ClientSocket(ch, r, w);
        } catch (IOException | RuntimeException e) {
            closeQuietly(r);
            closeQuietly(w);
            ch.close();
            throw e;
        }
    }

    /**
     * Writes one frame; any thread, one frame at a time. An interrupt does not stop it: it is kept
     * for the caller, set again when the frame is out.
     */
    void write(byte[] payload) throws IOException {
        ByteBuffer[] parts = {ByteBuffer.allocate(4).putInt(0, payload.length), ByteBuffer.wrap(payload)};
        long left = 4L + payload.length;
        boolean interrupted = false;
        writeLock.lock();
        try {
            while (left > 0) {
                long n = channel.write(parts);
                left -= n;
                if (n == 0) { // the socket buffer is full: wait for the manager to read
                    interrupted |= Thread.interrupted(); // an interrupted thread's select would not wait
                    try {
                        writable.select(100);
                    } catch (java.nio.channels.ClosedSelectorException e) {
                        throw new java.nio.channels.ClosedChannelException(); // closed meanwhile
                    }
                    writable.selectedKeys().clear();
                }
            }
        } finally {
            writeLock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The next frame if it has come whole, reading what the socket holds without waiting; null
     * if it has not. EOFException once the manager closed its end. Only the read role's holder.
     */
    byte[] poll() throws IOException {
        for (;;) {
            byte[] f = nextBuffered();
            if (f != null) {
                return f;
            }
            in.compact();
            int n;
            try {
                n = channel.read(in);
            } finally {
                in.flip();
            }
            if (n < 0) {
                throw new EOFException("the manager closed the connection");
            }
            if (n == 0) {
                return null;
            }
        }
    }

    /** The next whole frame from the bytes already read, or null. */
    private byte[] nextBuffered() throws IOException {
        if (frame == null) {
            if (in.remaining() < 4) {
                return null;
            }
            int length = in.getInt();
            if (length < 0 || length > FrameChannel.MAX_FRAME) {
                throw new IOException("bad frame length " + length + " (limit " + FrameChannel.MAX_FRAME + ")");
            }
            frame = new byte[length];
            filled = 0;
        }
        int n = Math.min(in.remaining(), frame.length - filled);
        in.get(frame, filled, n);
        filled += n;
        if (filled < frame.length) {
            return null;
        }
        byte[] f = frame;
        frame = null;
        return f;
    }

    /**
     * Waits until the socket has bytes to read, {@code millis} pass (0: no limit), or the thread
     * is interrupted (its flag stays set). Only the read role's holder.
     */
    void awaitReadable(long millis) throws IOException {
        readable.select(millis);
        readable.selectedKeys().clear();
    }

    @Override
    public void close() {
        closeQuietly(readable);
        closeQuietly(writable);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void closeQuietly(Selector s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
