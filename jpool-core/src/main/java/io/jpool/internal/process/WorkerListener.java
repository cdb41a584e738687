package io.jpool.internal.process;

import io.jpool.internal.ipc.FrameChannel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pool's private socket: a Unix domain socket in a fresh 0700 temp directory, so only this
 * user can even reach it, plus a random 32-byte token that a connecting worker must send first
 * (it got the token on its stdin, never on its command line). An acceptor thread reads each
 * connection's HELLO and hands the channel to the worker number waiting for it.
 */
final class WorkerListener implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final byte[] token = new byte[Protocol.TOKEN_BYTES];
    private final Map<Long, CompletableFuture<Connected>> waiting = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private final int maxFrame;
    private volatile boolean closed;

    /** A worker's connection and the pid it reported. */
    record Connected(FrameChannel channel, long pid) {
    }

    WorkerListener(String poolName, int maxFrame) throws IOException {
        this.maxFrame = maxFrame;
        new SecureRandom().nextBytes(token);
        dir = Files.createTempDirectory("jpool-pool-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        socket = dir.resolve("s");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            server.close();
            Files.deleteIfExists(dir);
            throw e;
        }
        acceptor = new Thread(this::acceptLoop, poolName + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Path socketPath() {
        return socket;
    }

    Path directory() {
        return dir;
    }

    byte[] token() {
        return token.clone();
    }

    /** The connection of worker {@code number}, once it said HELLO. */
    CompletableFuture<Connected> expect(long number) {
        return waiting.computeIfAbsent(number, n -> new CompletableFuture<>());
    }

    void forget(long number) {
        waiting.remove(number);
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            FrameChannel channel = new FrameChannel(ch, maxFrame);
            try {
                byte[] hello = channel.read();
                ByteBuffer b = ByteBuffer.wrap(hello);
                if (hello.length != Protocol.HEADER + Protocol.TOKEN_BYTES + 8 || b.get(0) != Protocol.HELLO) {
                    channel.close();
                    continue;
                }
                long number = b.getLong(1);
                byte[] candidate = new byte[Protocol.TOKEN_BYTES];
                b.position(Protocol.HEADER);
                b.get(candidate);
                long pid = b.getLong();
                CompletableFuture<Connected> f = waiting.remove(number);
                if (!MessageDigest.isEqual(token, candidate) || f == null || !f.complete(new Connected(channel, pid))) {
                    channel.close();
                }
            } catch (IOException e) {
                channel.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            System.getLogger("io.jpool").log(System.Logger.Level.WARNING, "could not delete " + dir, e);
        }
        waiting.values().forEach(f -> f.completeExceptionally(new IOException("the pool closed")));
    }
}
