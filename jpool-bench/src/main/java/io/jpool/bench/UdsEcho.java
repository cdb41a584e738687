package io.jpool.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The child side of {@link UdsPingPongBench}: connects to the Unix socket given as the first
 * argument, then echoes messages of the size given as the second argument until the parent
 * closes the connection.
 */
public final class UdsEcho {
    private UdsEcho() {
    }

    /** {@code UdsEcho <socket path> <message bytes>}. */
    public static void main(String[] args) throws IOException {
        int size = Integer.parseInt(args[1]);
        ByteBuffer buf = ByteBuffer.allocateDirect(size);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
            for (;;) {
                buf.clear();
                while (buf.hasRemaining()) {
                    if (ch.read(buf) < 0) {
                        return; // parent closed: done
                    }
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        }
    }
}
