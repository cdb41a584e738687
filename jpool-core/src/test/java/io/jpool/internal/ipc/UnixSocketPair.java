package io.jpool.internal.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For tests: the two ends of one Unix domain socket connection, as {@link FrameChannel}s, made in
 * a fresh temporary directory that {@link #close()} removes. (A connect completes into the
 * listening socket's backlog, so one thread can connect and then accept.)
 */
public final class UnixSocketPair implements AutoCloseable {
    /** The end that connected. */
    public final FrameChannel client;
    /** The end that accepted. */
    public final FrameChannel server;
    private final Path dir;

    private UnixSocketPair(Path dir, FrameChannel client, FrameChannel server) {
        this.dir = dir;
        this.client = client;
        this.server = server;
    }

    /** A connected pair in a new directory named after {@code prefix}. */
    public static UnixSocketPair open(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s"));
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(address);
            SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
            client.connect(address);
            return new UnixSocketPair(dir, new FrameChannel(client), new FrameChannel(listener.accept()));
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
        Files.deleteIfExists(dir.resolve("s"));
        Files.delete(dir);
    }
}
