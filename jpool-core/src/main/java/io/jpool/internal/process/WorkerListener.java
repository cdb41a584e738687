package io.jpool.internal.process;

import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.Handshake;
import io.jpool.internal.ipc.PrivateDirectories;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.util.ThreadFactories;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a pool's workers reach it: a fresh 0700 temp directory, so only this user can even
 * reach what is in it, and a random 32-byte token that a worker must send first (it got the
 * token on its stdin, never on its command line).
 *
 * <p>Each worker starts on two named pipes there ({@link WorkerPipes}) and later moves to the
 * pool's Unix domain socket in the same directory, opened on first need; where {@code mkfifo}
 * cannot run, workers use the socket from the start. An acceptor thread accepts connections; a
 * short-lived thread per connection reads its HELLO ({@link Handshake}: a fixed size, a deadline)
 * and hands the channel to the worker number waiting for it, so an idle or hostile connection
 * stalls no worker.
 *
 * <p>The directory goes when the listener closes, once the pool has terminated, or at the JVM's
 * exit if that comes first ({@link PrivateDirectories}).
 */
final class WorkerListener implements AutoCloseable {
    private final String poolName;
    private final Path dir;
    private final Path socket;
    private final byte[] token = new byte[WorkerProtocol.TOKEN_BYTES];
    private final Map<Long, CompletableFuture<FrameChannel>> waiting = new ConcurrentHashMap<>();
    /** Connections still in their handshake: closed with the listener, so no greeter outlives it. */
    private final Set<SocketChannel> greeting = ConcurrentHashMap.newKeySet();
    private final int maxFrame;
    private ServerSocketChannel server; // guarded by this; null until a worker needs the socket
    private Thread acceptor;
    private volatile boolean closed;
    private volatile boolean pipesFailed = Boolean.getBoolean("jpool.process.socketChannel");

    WorkerListener(String poolName, int maxFrame) throws IOException {
        this.poolName = poolName;
        this.maxFrame = maxFrame;
        new SecureRandom().nextBytes(token);
        dir = PrivateDirectories.create("jpool-pool-");
        socket = dir.resolve("s");
    }

    Path directory() {
        return dir;
    }

    byte[] token() {
        return token.clone();
    }

    int maxFrame() {
        return maxFrame;
    }

    /** Pipes for worker {@code number}, or null if this pool uses its socket instead. */
    WorkerPipes pipes(long number) {
        if (pipesFailed) {
            return null;
        }
        try {
            return WorkerPipes.create(dir, number);
        } catch (IOException e) {
            pipesFailed(e);
            return null;
        }
    }

    /** The pipes could not be made: this pool's workers use its socket from now on. */
    void pipesFailed(IOException why) {
        if (!pipesFailed) {
            pipesFailed = true;
            System.getLogger("io.jpool").log(System.Logger.Level.DEBUG,
                    "named pipes unavailable, workers connect over a Unix domain socket: " + why);
        }
    }

    /** The pool's socket, listening (opened on first call). */
    synchronized Path socketPath() throws IOException {
        if (closed) {
            throw new IOException("the pool closed");
        }
        if (server == null) {
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                s.bind(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                s.close();
                throw e;
            }
            server = s;
            acceptor = ThreadFactories.startDaemon(poolName + "-accept", this::acceptLoop);
        }
        return socket;
    }

    /** The socket connection of worker {@code number}, once it said HELLO. */
    CompletableFuture<FrameChannel> expect(long number) {
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
            ThreadFactories.startDaemon(poolName + "-hello", () -> greet(ch));
        }
    }

    /**
     * Reads a new connection's HELLO (on a thread of its own, so a peer that never sends one holds
     * up no one) and hands the connection to the worker it names; anything else, or nothing within
     * the handshake's deadline, closes it. The token is checked before the waiting worker is taken
     * off the list, so a forged HELLO costs no worker its slot.
     */
    private void greet(SocketChannel ch) {
        greeting.add(ch);
        if (closed) {
            greeting.remove(ch);
            closeQuietly(ch);
            return;
        }
        try {
            byte[] hello = Handshake.readFirstFrame(ch, WorkerProtocol.HEADER + WorkerProtocol.TOKEN_BYTES,
                    Handshake.DEFAULT_TIMEOUT_NANOS);
            CompletableFuture<FrameChannel> f = waiting.remove(WorkerProtocol.checkHello(hello, token));
            FrameChannel channel = new FrameChannel(ch, maxFrame);
            if (f != null && f.complete(channel)) {
                return;
            }
        } catch (IOException e) {
            // not one of ours, too slow, or the pool closed: drop it
        } finally {
            greeting.remove(ch);
        }
        closeQuietly(ch);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // dropping it anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        ServerSocketChannel s;
        Thread a;
        synchronized (this) {
            s = server;
            a = acceptor;
        }
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                a.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        greeting.forEach(WorkerListener::closeQuietly);
        PrivateDirectories.delete(dir);
        waiting.values().forEach(f -> f.completeExceptionally(new IOException("the pool closed")));
    }
}
