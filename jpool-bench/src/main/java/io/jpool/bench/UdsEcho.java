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
 * closes the connection, waiting for bytes as the third argument says ({@code blocking} or
 * {@code polling}).
 */
public final class UdsEcho {
    private UdsEcho() {
    }

    /** True for {@code blocking}, false for {@code polling}; anything else is refused. */
    static boolean blocking(String waiting) {
        switch (waiting) {
            case "blocking":
                return true;
            case "polling":
                return false;
            default:
                throw new IllegalArgumentException("waiting must be blocking or polling, not '" + waiting + "'");
        }
    }

    /** {@code UdsEcho <socket path> <message bytes> <blocking|polling>}. */
    public static void main(String[] args) throws IOException {
        int size = Integer.parseInt(args[1]);
        ByteBuffer buf = ByteBuffer.allocateDirect(size);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
            ch.configureBlocking(blocking(args[2]));
            for (;;) {
                buf.clear();
                while (buf.hasRemaining()) {
                    int n = ch.read(buf);
                    if (n < 0) {
                        return; // parent closed: done
                    }
                    if (n == 0) {
                        Thread.onSpinWait(); // polling: nothing yet
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
