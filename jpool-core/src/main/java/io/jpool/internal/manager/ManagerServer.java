package io.jpool.internal.manager;

import io.jpool.ManagerClosedException;
import io.jpool.internal.codec.ValueFilter;
import io.jpool.internal.ipc.Handshake;
import io.jpool.internal.ipc.PrivateDirectories;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The manager's home in the caller's JVM: the shared objects, and a Unix domain socket server
 * through which worker JVMs reach them.
 *
 * <h2>Implementation overview</h2>
 * <pre>
 *  proxy in caller JVM ───────────── direct call (args copied) ─────────┐
 *                                                                       ▼
 *  proxy in worker JVM ─▶ ManagerClient ══frames══▶ ServerConnection ─▶ handler thread ─▶ SharedState.apply
 *                          (one per JVM)   ◀══responses══  │           (a call that may wait)   ▲
 *                                                          └── a call that cannot wait ─────────┘
 *                                                              (on the connection's reader)
 * </pre>
 * The socket lives in a fresh 0700 directory; a connection must first send the manager's random
 * 32-byte token, read on the connection's own thread with a deadline, so a silent or hostile
 * peer holds up no other. Every call that may wait runs on its own handler thread, so a blocked
 * {@code take} or {@code lock} never blocks other callers on the same connection. When a
 * connection ends (its process died), its running calls are interrupted and its locks released;
 * a queue element taken for a caller that has not acknowledged it is put back at the head. With
 * an allow-list, values that connections send are read under it ({@link ValueFilter}).
 */
final class ManagerServer implements AutoCloseable {
    /** Managers living in this JVM, by id: local proxies call them directly. */
    static final Map<String, ManagerServer> LOCAL = new ConcurrentHashMap<>();
    private static final String DIRECTORY_PREFIX = "jpool-manager-";

    final ManagerRef ref;
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Map<String, SharedState> objects = new ConcurrentHashMap<>();
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    final ExecutorService handlers = Executors.newCachedThreadPool(ThreadFactories.daemons("jpool-manager"));
    private final Thread acceptor;
    private volatile boolean closed;
    /** What connections' values are read under: limits, and the allow-list if one was set. */
    final java.io.ObjectInputFilter filter;
    /** How long a new connection has to send its token. */
    final long handshakeTimeoutNanos = Handshake.DEFAULT_TIMEOUT_NANOS;

    private ManagerServer(Set<String> allowedClasses) throws IOException {
        filter = ValueFilter.of(allowedClasses);
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        PrivateDirectories.sweepStale(DIRECTORY_PREFIX, "s"); // left by managers whose JVM was killed
        dir = PrivateDirectories.create(DIRECTORY_PREFIX);
        socket = dir.resolve("s");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        ref = new ManagerRef(UUID.randomUUID().toString(), socket.toString(), token);
        acceptor = ThreadFactories.daemon("jpool-manager-accept", this::acceptLoop);
    }

    /** A running manager; {@code allowedClasses} null for none (JDK serialization's limits only). */
    static ManagerServer start(Set<String> allowedClasses) {
        try {
            ManagerServer s = new ManagerServer(allowedClasses);
            LOCAL.put(s.ref.id(), s);
            s.acceptor.start();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the manager's socket: " + e.getMessage()
                    + " (jpool needs a writable temp directory, java.io.tmpdir)", e);
        }
    }

    /** The object named {@code name}, created by {@code create} if new; its kind must match. */
    void define(Kind kind, String name, Supplier<SharedState> create) {
        checkOpen();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a shared object needs a non-empty name");
        }
        Kind existing = kinds.putIfAbsent(name, kind);
        if (existing != null && existing != kind) {
            throw new IllegalArgumentException("the manager already has a " + existing.label() + " named \"" + name
                    + "\"; choose another name for this " + kind.label());
        }
        objects.computeIfAbsent(name, n -> create.get());
    }

    /** Runs {@code op} on the object named {@code name}; {@code owner} identifies the calling thread for locks. */
    Object invoke(Op op, String name, Object[] args, String owner) throws Exception {
        checkOpen();
        SharedState s = objects.get(name);
        if (s == null || kinds.get(name) != op.kind()) { // a state runs only its own kind's operations
            throw new IllegalStateException("the manager has no " + op.kind().label() + " named \"" + name + "\"");
        }
        if ((args == null ? 0 : args.length) != op.arity()) { // only a peer of another version, or a hostile one
            throw new IllegalArgumentException(op.label() + " on a shared " + op.kind().label() + " takes " + op.arity()
                    + " arguments, not " + (args == null ? 0 : args.length) + "; use the same jpool version in every JVM");
        }
        return s.apply(op, args, owner);
    }

    SharedState stateNamed(String name) {
        return objects.get(name);
    }

    private void checkOpen() {
        if (closed) {
            throw new ManagerClosedException(
                    "the manager was closed; shared objects work only while their Manager is open");
        }
    }

    boolean checkToken(byte[] candidate) {
        return java.security.MessageDigest.isEqual(ref.token(), candidate);
    }

    void connectionClosed(ServerConnection c) {
        releaseHeldBy(c);
        connections.remove(c); // last: a count of open connections then says their cleanup is done
    }

    /** How many connections are open, for tests that must wait until a vanished peer's are cleaned up. */
    int openConnections() {
        return connections.size();
    }

    /** Releases what the threads of connection {@code c} hold (its locks). */
    void releaseHeldBy(ServerConnection c) {
        for (SharedState s : objects.values()) {
            s.releaseOwnedBy(c.id + "/");
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                ServerConnection c = new ServerConnection(this, ch);
                connections.add(c);
                if (closed) {
                    c.close();
                    return;
                }
                c.start();
            } catch (IOException e) {
                if (!closed) {
                    System.getLogger("io.jpool").log(System.Logger.Level.WARNING, "manager accept failed", e);
                }
                return;
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOCAL.remove(ref.id());
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (SharedState s : objects.values()) {
            s.close();
        }
        for (ServerConnection c : connections) {
            c.close();
        }
        handlers.shutdownNow();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PrivateDirectories.delete(dir);
    }

    boolean isClosed() {
        return closed;
    }

    Path directory() {
        return dir;
    }
}
