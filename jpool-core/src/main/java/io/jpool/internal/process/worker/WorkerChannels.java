package io.jpool.internal.process.worker;

import io.jpool.internal.ipc.FrameChannel;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Opens a worker's channel to its caller: the caller's two named pipes, or its Unix domain
 * socket (where pipes cannot be made, and where a worker moves once its first result is out).
 */
final class WorkerChannels {
    private WorkerChannels() {
    }

    /** The caller's two named pipes (see WorkerPipes), opened in its order: in, then out. */
    static FrameChannel openPipes(String in, String out) throws IOException {
        FileInputStream fromCaller = new FileInputStream(in);
        FileOutputStream toCaller = new FileOutputStream(out);
        return new FrameChannel(fromCaller, toCaller, Integer.MAX_VALUE - 8);
    }

    /** The pool's Unix domain socket: the fallback where named pipes cannot be made. */
    static FrameChannel connectSocket(String path) throws IOException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(path));
        return new FrameChannel(socket, Integer.MAX_VALUE - 8);
    }
}
