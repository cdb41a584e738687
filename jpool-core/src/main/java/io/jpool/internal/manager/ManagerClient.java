package io.jpool.internal.manager;

import io.jpool.ManagerClosedException;
import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.util.Spin;
import io.jpool.internal.util.ThreadFactories;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker JVM's one connection to a manager, shared by all its threads.
 *
 * <h2>Implementation overview</h2>
 * Each call gets an id and a future, writes its request (writes are serialized) and waits; one
 * reader thread completes the futures as responses arrive, in any order, so a thread blocked in
 * {@code take} does not hold up others. A caller first polls its future a short while
 * ({@link #SPIN_NANOS}; not at all on one processor) before it blocks, so a quick operation's
 * answer costs no thread wake-up.
 * An interrupted caller sends a cancel and keeps waiting for the answer: either the server
 * aborted the call (InterruptedException) or it had already done it, and the result is returned
 * with the interrupt flag set again, so nothing taken from a queue is lost. The calling thread
 * acknowledges each element a take brings ({@link Wire.Ack}) once it has it: until then the
 * manager keeps the element claimed and re-queues it if this JVM dies; if the acknowledgement
 * cannot be sent, the connection is gone, the element goes back, and the take fails. (The reader
 * never writes: it must keep draining the answers, or a manager writing to this JVM could stall
 * behind a large request that it is not reading.) An answer whose value this
 * JVM cannot read (a missing class, an Error in its readObject, no memory for it) fails only its
 * call; when the connection drops, or the reader meets anything else, every waiting call fails
 * with {@link ManagerClosedException}: no caller is left waiting.
 */
final class ManagerClient {
    private static final Map<String, ManagerClient> CLIENTS = new ConcurrentHashMap<>();
    /** How long a caller polls for its answer before it blocks (0 on one CPU). */
    private static final long SPIN_NANOS = Spin.nanos(50_000L);

    private final ManagerRef ref;
    private final FrameChannel frames;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Wire.Response>> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private ManagerClient(ManagerRef ref) throws IOException {
        this.ref = ref;
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(ref.socketPath()));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        frames = new FrameChannel(ch);
        frames.write(ref.token());
        ThreadFactories.startDaemon("jpool-manager-client", this::readLoop);
    }

    /** This JVM's connection to the manager {@code ref}, opened on first use. */
    static ManagerClient of(ManagerRef ref) {
        ManagerClient c = CLIENTS.get(ref.id());
        if (c != null && !c.closed) {
            return c;
        }
        synchronized (CLIENTS) { // rare: first use in this JVM, or after the manager went away
            c = CLIENTS.get(ref.id());
            if (c == null || c.closed) {
                try {
                    c = new ManagerClient(ref);
                } catch (IOException e) {
                    throw new ManagerClosedException("the manager at " + ref.socketPath()
                            + " is closed or unreachable (" + e.getMessage() + "); shared objects work only while their Manager is open", e);
                }
                CLIENTS.put(ref.id(), c);
            }
            return c;
        }
    }

    Object call(Op op, String name, Object[] args) throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<Wire.Response> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            frames.write(Wire.encode(new Wire.Request(id, Thread.currentThread().getId(), op, name, args)));
        } catch (IOException e) {
            pending.remove(id);
            throw lost(e);
        } catch (RuntimeException | Error e) {
            pending.remove(id);
            throw e;
        }
        if (closed) {
            answer.completeExceptionally(lost(null));
        }
        Spin.until(answer::isDone, SPIN_NANOS); // a quick answer then costs no wake-up
        Wire.Response r;
        boolean interrupted = false;
        try {
            try {
                r = answer.get();
            } catch (InterruptedException e) {
                interrupted = true;
                try {
                    frames.write(Wire.encode(new Wire.Cancel(id)));
                } catch (IOException ignored) {
                    // the connection is going: the answer will fail below
                }
                r = awaitUninterruptibly(answer);
            }
        } catch (ExecutionException e) {
            throw (ManagerClosedException) e.getCause();
        } finally {
            pending.remove(id);
        }
        if (op == Op.QueueOp.POLL && !(r.ok() && r.value() == null)) {
            acknowledge(id, r);
        }
        if (r.ok()) {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return r.value();
        }
        Throwable t = (Throwable) r.value();
        if (t instanceof Exception) {
            throw (Exception) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        throw new IllegalStateException("the manager failed the call: " + t, t);
    }

    /**
     * Tells the manager that this JVM has what take {@code id} brought (for a failed answer there
     * may be nothing claimed; the manager then ignores it). A taken element whose acknowledgement
     * cannot be sent goes back to its queue, so the take must not return it.
     */
    private void acknowledge(long id, Wire.Response r) {
        try {
            frames.write(Wire.encode(new Wire.Ack(id)));
        } catch (IOException e) {
            if (Wire.needsAck(Op.QueueOp.POLL, r.ok(), r.value())) {
                throw lost(e);
            }
        }
    }

    private static Wire.Response awaitUninterruptibly(CompletableFuture<Wire.Response> f) throws ExecutionException {
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ManagerClosedException lost(Throwable cause) {
        return new ManagerClosedException("lost the connection to the manager at " + ref.socketPath()
                + " (was it closed?)", cause);
    }

    private void readLoop() {
        try {
            for (;;) {
                Wire.Response r;
                try {
                    r = (Wire.Response) Wire.decode(frames.read());
                } catch (Wire.UnreadableValue bad) {
                    if (bad.request) {
                        throw bad; // a manager sends no requests
                    }
                    // a take's element that this JVM cannot read is acknowledged all the same: it
                    // would fail every taker like this one, so it fails this take and is gone
                    r = new Wire.Response(bad.id, false, new IllegalStateException(bad.getMessage()
                            + (bad.getCause() instanceof ClassNotFoundException || bad.getCause() instanceof NoClassDefFoundError
                                    ? " (is the class on this JVM's class path?)" : "")));
                }
                CompletableFuture<Wire.Response> f = pending.remove(r.id());
                if (f != null) {
                    f.complete(r);
                }
            }
        } catch (Throwable e) { // the connection, or this reader, is done: no caller may wait on it
            closed = true;
            frames.close();
            CLIENTS.remove(ref.id(), this);
            ManagerClosedException gone = lost(e);
            pending.values().forEach(f -> f.completeExceptionally(gone));
        }
    }
}
