package io.jpool.internal.manager;

import io.jpool.ManagerClosedException;
import io.jpool.internal.util.Spin;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A worker JVM's one connection to a manager, shared by all its threads.
 *
 * <h2>Implementation overview</h2>
 * Each call gets an id and a future, writes its request (writes are serialized) and waits for its
 * answer. There is no reader thread: a waiting caller reads the socket itself. One of the callers
 * waiting at a time holds the <em>read role</em> (a lock): it reads every answer that comes,
 * completes each one's future, and gives the role up when its own has come; the others wait on
 * {@link #roleFreed} until their answer came or the role is free. So a lone caller, the usual case,
 * reads its own answer with no hand-off between threads at all. The role's holder polls the
 * socket without blocking for {@link #SPIN_NANOS} (not at all on one processor), the time a quick
 * operation's answer takes, and then waits on a selector ({@link ClientSocket}); it polls only
 * while its own answer is due, so no thread burns CPU while no call is in flight.
 *
 * <p>Someone always reads while an answer is due, as a manager writing an answer that no one
 * reads would stop reading this JVM's requests: every pending call has a caller waiting, and a
 * caller leaving the role wakes the others so that one of them takes it. The role's holder never
 * writes (a cancel, an acknowledgement) while it holds the role, for the same reason: a write may
 * wait for the manager to read, and the manager may wait for this side to read.
 *
 * <p>An interrupted caller sends a cancel and keeps waiting for the answer: either the server
 * aborted the call (InterruptedException) or it had already done it, and the result is returned
 * with the interrupt flag set again, so nothing taken from a queue is lost. The socket is
 * non-blocking, so an interrupt never closes it. The calling thread acknowledges each element a
 * take brings ({@link Wire.Ack}) once it has it: until then the manager keeps the element claimed
 * and re-queues it if this JVM dies; if the acknowledgement cannot be sent, the connection is
 * gone, the element goes back, and the take fails. An answer whose value this JVM cannot read (a
 * missing class, an Error in its readObject, no memory for it) fails only its call; when the
 * connection drops, or reading meets anything else, every waiting call fails with
 * {@link ManagerClosedException}: no caller is left waiting.
 */
final class ManagerClient {
    private static final Map<String, ManagerClient> CLIENTS = new ConcurrentHashMap<>();
    /** How long the read role's holder polls for its answer before it waits on the selector (0 on one CPU). */
    private static final long SPIN_NANOS = Spin.nanos(50_000L);
    /** How long one wait on the selector lasts at most: each wakes to look at the caller's own future. */
    private static final long SELECT_MILLIS = 1000L;

    private final ManagerRef ref;
    private final ClientSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Wire.Response>> pending = new ConcurrentHashMap<>();
    /** Held by the one caller that reads the socket now. */
    private final ReentrantLock readRole = new ReentrantLock();
    /** Callers that wait without the role wait on it: signalled when an answer came or the role is free. */
    private final Object roleFreed = new Object();
    /** How many callers wait on {@link #roleFreed}: the role's holder signals only if some do. */
    private volatile int followers;
    private volatile boolean closed;

    private ManagerClient(ManagerRef ref) throws IOException {
        this.ref = ref;
        socket = ClientSocket.connect(ref.socketPath());
        try {
            socket.write(ref.token());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
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
            socket.write(Wire.encode(new Wire.Request(id, Thread.currentThread().getId(), op, name, args)));
        } catch (IOException e) {
            pending.remove(id);
            fail(e);
            throw lost(e);
        } catch (RuntimeException | Error e) {
            pending.remove(id);
            throw e;
        }
        if (closed) {
            answer.completeExceptionally(lost(null));
        }
        Wire.Response r;
        boolean interrupted;
        try {
            interrupted = await(id, answer);
            r = answer.get(); // done: never waits
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
     * Waits until {@code answer} is done, reading the socket while this thread holds the read
     * role. On the first interrupt it sends a cancel of call {@code id} (never while holding the
     * role) and goes on waiting; returns whether it cleared the interrupt flag so (the caller sets
     * it again if the call succeeded).
     */
    private boolean await(long id, CompletableFuture<Wire.Response> answer) {
        boolean interrupted = false;
        boolean cancelSent = false;
        while (!answer.isDone()) {
            if (readRole.tryLock()) {
                try {
                    interrupted |= readUntilAnswered(answer, !cancelSent);
                } finally {
                    readRole.unlock();
                    wakeFollowers(); // one of them takes the role if its answer is still due
                }
            } else {
                interrupted |= awaitAnswerOrRole(answer);
            }
            if (answer.isDone()) {
                break; // an interrupt that came now stays set for the caller
            }
            interrupted |= Thread.interrupted();
            if (interrupted && !cancelSent) {
                cancelSent = true;
                try {
                    socket.write(Wire.encode(new Wire.Cancel(id)));
                } catch (IOException e) {
                    fail(e); // the connection is gone: every call, this one too, fails
                }
            }
        }
        return interrupted;
    }

    /**
     * With the read role: reads and hands out answers until {@code answer} is done or, if
     * {@code stopOnInterrupt}, the thread is interrupted (then returns true, flag cleared, so the
     * caller can send a cancel without the role). Polls first, then waits on the selector.
     */
    private boolean readUntilAnswered(CompletableFuture<Wire.Response> answer, boolean stopOnInterrupt) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        int polls = 0;
        boolean interrupted = false;
        try {
            while (!answer.isDone()) {
                byte[] frame = socket.poll();
                if (frame != null) {
                    deliver(frame);
                    continue;
                }
                if (SPIN_NANOS > 0 && Spin.pauseBetweenPolls(++polls, spinUntil)) {
                    continue; // a quick answer comes within microseconds: stay awake for it
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (stopOnInterrupt) {
                        return true;
                    }
                }
                socket.awaitReadable(SELECT_MILLIS);
            }
        } catch (Throwable e) { // the connection, or reading it, is done: no caller may wait on it
            fail(e);
        }
        return interrupted;
    }

    /** Without the role: waits until {@code answer} is done or the role is free; true if interrupted. */
    private boolean awaitAnswerOrRole(CompletableFuture<Wire.Response> answer) {
        synchronized (roleFreed) {
            followers++;
            try {
                while (!answer.isDone() && readRole.isLocked()) {
                    roleFreed.wait();
                }
            } catch (InterruptedException e) {
                return true;
            } finally {
                followers--;
            }
        }
        return false;
    }

    private void wakeFollowers() {
        if (followers > 0) {
            synchronized (roleFreed) {
                roleFreed.notifyAll();
            }
        }
    }

    /** Completes the future of the call that {@code frame} answers. */
    private void deliver(byte[] frame) throws IOException, ClassNotFoundException {
        Wire.Response r;
        try {
            r = (Wire.Response) Wire.decode(frame);
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
            wakeFollowers(); // it may be another caller's
        }
    }

    /**
     * Tells the manager that this JVM has what take {@code id} brought (for a failed answer there
     * may be nothing claimed; the manager then ignores it). A taken element whose acknowledgement
     * cannot be sent goes back to its queue, so the take must not return it.
     */
    private void acknowledge(long id, Wire.Response r) {
        try {
            socket.write(Wire.encode(new Wire.Ack(id)));
        } catch (IOException e) {
            if (Wire.needsAck(Op.QueueOp.POLL, r.ok(), r.value())) {
                throw lost(e);
            }
        }
    }

    private ManagerClosedException lost(Throwable cause) {
        return new ManagerClosedException("lost the connection to the manager at " + ref.socketPath()
                + ": the Manager was closed, or the JVM that holds it ended; shared objects work only while"
                + " their Manager is open, so close it only after the tasks that use them", cause);
    }

    /** The connection is broken or its stream unreadable: closes it and fails every waiting call. */
    private void fail(Throwable cause) {
        closed = true;
        socket.close();
        CLIENTS.remove(ref.id(), this);
        ManagerClosedException gone = lost(cause);
        pending.values().forEach(f -> f.completeExceptionally(gone));
        wakeFollowers();
    }
}
