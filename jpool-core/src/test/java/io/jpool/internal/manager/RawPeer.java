package io.jpool.internal.manager;

import io.jpool.internal.ipc.FrameChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A manager peer that speaks the wire protocol step by step, so a test can make it vanish at any
 * point of a call: before its request, after it, after the answer, after the acknowledgement.
 * Closing its socket is what the manager sees of a SIGKILLed JVM (the kernel closes it the same
 * way, with the same unread bytes left behind). One thread uses it at a time.
 */
final class RawPeer implements AutoCloseable {
    private final SocketChannel socket;
    private final FrameChannel frames;
    private long ids;

    RawPeer(ManagerServer server) throws IOException {
        socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            socket.connect(UnixDomainSocketAddress.of(server.ref.socketPath()));
            frames = new FrameChannel(socket);
            frames.write(server.ref.token());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends a request and returns its id; the answer comes from {@link #answer}. */
    long request(Op op, String name, Object... args) throws IOException {
        long id = ++ids;
        frames.write(Wire.encode(new Wire.Request(id, 1, op, name, args.length == 0 ? null : args)));
        return id;
    }

    /** The next answer (answers to concurrent requests come in any order). */
    Wire.Response answer() throws IOException, ClassNotFoundException {
        return (Wire.Response) Wire.decode(frames.read());
    }

    /** The answer to a request, sent and awaited. */
    Wire.Response call(Op op, String name, Object... args) throws IOException, ClassNotFoundException {
        long id = request(op, name, args);
        Wire.Response r = answer();
        if (r.id() != id) {
            throw new IllegalStateException("answer " + r.id() + " to a call with id " + id + " while no other was pending");
        }
        return r;
    }

    void ack(long id) throws IOException {
        frames.write(Wire.encode(new Wire.Ack(id)));
    }

    /** Vanishes: the manager sees the connection end, whatever was in flight. */
    @Override
    public void close() {
        frames.close();
    }
}
