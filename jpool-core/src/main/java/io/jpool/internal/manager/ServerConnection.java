package io.jpool.internal.manager;

import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.Handshake;
import io.jpool.internal.util.Spin;
import io.jpool.internal.util.ThreadFactories;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker JVM's connection to a manager: authenticates it, reads its requests and runs each
 * on a handler thread (or, for a {@linkplain Op#quick quick} operation, on the reader thread itself).
 *
 * <h2>How it works</h2>
 * The first frame must be the manager's 32-byte token, read by {@link Handshake} (that size
 * only, within its deadline), so an unauthenticated peer makes the manager allocate nothing it
 * chose. Then each frame is one request; a request whose values cannot be read (a class outside
 * the allow-list, an Error in a readObject) or whose operation code this JVM does not know (a peer
 * of another jpool version) fails alone with an error answer, and any other
 * Throwable on the reader ends this connection only.
 *
 * <p>An element a {@code take}/{@code poll} hands over is <em>claimed</em>, not gone: it stays
 * here until the caller's JVM acknowledges it ({@link Wire.Ack}), and goes back to the head of
 * its queue if the connection ends first (the taker died, even after the answer was written into
 * its socket). When the connection ends, running calls are interrupted and locks held through it
 * are released by the server; a call that finishes after that (a lock granted to a dead taker)
 * is undone the same way.
 *
 * <p>Exactly once holds because this side ends a connection only when its peer is gone or broke
 * the protocol: an acknowledgement the peer wrote that this side has not read yet when it ends
 * the connection would be lost, and its element given back to a taker that already has it. So a
 * call's thread is interrupted only while it runs that call (a cancel and a close both take its
 * entry's lock in {@code running}): a handler's pooled thread goes on to other connections' calls.
 */
final class ServerConnection {
    private static final AtomicLong IDS = new AtomicLong();
    /**
     * How long the reader polls for the next request before it blocks: a task that calls its
     * proxies in a row sends the next call within microseconds of its answer, and a reader still
     * awake then saves its wake-up. 0 on one CPU.
     */
    private static final long POLL_NANOS = Spin.nanos(50_000L);

    final String id = "c" + IDS.incrementAndGet();
    private final ManagerServer server;
    private final SocketChannel socket;
    private volatile FrameChannel frames; // set once authenticated
    private final Map<Long, Thread> running = new ConcurrentHashMap<>();
    /** Elements handed to a take whose caller has not acknowledged them yet, by request id. */
    private final Map<Long, Claim> claims = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** An element taken from {@code queue} for a caller that has not confirmed it has it. */
    private record Claim(QueueState queue, Object element) {
    }

    ServerConnection(ManagerServer server, SocketChannel ch) {
        this.server = server;
        this.socket = ch;
    }

    void start() {
        ThreadFactories.startDaemon("jpool-manager-conn-" + id, this::readLoop);
    }

    private boolean authenticate() {
        try {
            byte[] token = Handshake.readFirstFrame(socket, 32, server.handshakeTimeoutNanos);
            if (!server.checkToken(token)) {
                return false; // not one of ours: drop it without a word
            }
        } catch (IOException e) {
            return false;
        }
        FrameChannel f = new FrameChannel(socket);
        f.pollBeforeBlocking(POLL_NANOS);
        frames = f;
        return !closed.get();
    }

    private void readLoop() {
        try {
            if (!authenticate()) {
                return;
            }
            while (!closed.get()) {
                Object msg;
                try {
                    msg = Wire.decode(frames.read(), server.filter);
                } catch (Wire.UnreadableValue bad) {
                    if (bad.request) {
                        send(new Wire.Response(bad.id, false, new IllegalArgumentException(bad.getMessage())));
                    }
                    continue;
                } catch (Wire.UnknownOperation bad) {
                    send(new Wire.Response(bad.id, false, new UnsupportedOperationException(bad.getMessage())));
                    continue;
                }
                if (msg instanceof Wire.Request) {
                    Wire.Request r = (Wire.Request) msg;
                    if (r.op().quick(r.args())) {
                        handle(r); // never waits: answer from this thread, one hop fewer
                        continue;
                    }
                    try {
                        server.handlers.execute(() -> handle(r));
                    } catch (RejectedExecutionException e) {
                        return; // manager closing
                    }
                } else if (msg instanceof Wire.Ack) {
                    Claim c = claims.remove(((Wire.Ack) msg).id());
                    if (c != null) {
                        c.queue().acknowledged();
                    }
                } else if (msg instanceof Wire.Cancel) {
                    interruptCall(((Wire.Cancel) msg).id());
                }
            }
        } catch (Throwable e) {
            // peer gone, spoke nonsense, or reading it failed in a way no request can own
        } finally {
            close();
        }
    }

    private void handle(Wire.Request r) {
        Thread me = Thread.currentThread();
        running.put(r.id(), me);
        Object value;
        boolean ok;
        try {
            if (closed.get()) {
                throw new InterruptedException("the caller's connection ended");
            }
            value = server.invoke(r.op(), r.name(), r.args(), id + "/" + r.threadId());
            ok = true;
        } catch (Throwable t) {
            value = t;
            ok = false;
        }
        running.remove(r.id(), me);
        Thread.interrupted(); // a late cancel or close must not interrupt (and so close) the channel write
        if (Wire.needsAck(r.op(), ok, value)) {
            SharedState q = server.stateNamed(r.name());
            if (q instanceof QueueState) {
                claims.put(r.id(), new Claim((QueueState) q, value));
            }
        }
        send(new Wire.Response(r.id(), ok, value));
        if (closed.get()) { // the caller is gone: what this call took goes back
            giveBack(Collections.singletonList(r.id()));
            server.releaseHeldBy(this);
        }
    }

    private void send(Wire.Response response) {
        if (closed.get()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Wire.encode(response);
        } catch (Throwable notSerializable) { // IllegalArgumentException, or an Error in a writeObject
            bytes = Wire.encode(new Wire.Response(response.id(), false,
                    new IllegalStateException("the manager's answer could not be serialized: " + notSerializable)));
        }
        try {
            frames.write(bytes);
        } catch (IOException e) {
            close();
        }
    }

    /**
     * Interrupts the threads still running this connection's calls, each under its entry's lock
     * in {@code running}, as a cancel does: a handler that has left {@code running} is never
     * interrupted, since its pooled thread may already run another connection's call, whose answer
     * the interrupt would cut off, closing that live connection (ClosedByInterruptException) and
     * giving back an element its taker may already have acknowledged.
     */
    private void interruptRunningCalls() {
        for (Long call : running.keySet()) {
            interruptCall(call);
        }
    }

    /** Interrupts the thread running call {@code id} if it still runs it (under its entry's lock). */
    private void interruptCall(long id) {
        running.computeIfPresent(id, (k, t) -> {
            t.interrupt();
            return t;
        });
    }

    /** Puts the claimed elements of {@code ids} back at their queues' heads, latest first. */
    private void giveBack(List<Long> ids) {
        List<Long> order = new ArrayList<>(ids);
        order.sort(Collections.reverseOrder());
        for (Long i : order) {
            Claim c = claims.remove(i);
            if (c != null) {
                c.queue().putBack(c.element());
            }
        }
    }

    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        FrameChannel f = frames;
        if (f != null) {
            f.close();
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        interruptRunningCalls();
        giveBack(new ArrayList<>(claims.keySet()));
        server.connectionClosed(this);
    }
}
