package io.jpool.internal.manager;

import io.jpool.internal.future.Spin;
import io.jpool.internal.ipc.FrameChannel;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker JVM's connection to a manager: authenticates it, reads its requests and runs each
 * on a handler thread (or, for an operation that never waits, on the reader thread itself). When it ends, running calls are interrupted and locks held through it are
 * released by the server.
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
    private final FrameChannel frames;
    private final Map<Long, Thread> running = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    ServerConnection(ManagerServer server, SocketChannel ch) {
        this.server = server;
        this.frames = new FrameChannel(ch);
        frames.pollBeforeBlocking(POLL_NANOS);
    }

    void start() {
        Thread reader = new Thread(this::readLoop, "jpool-manager-conn-" + id);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        try {
            if (!server.checkToken(frames.read())) {
                return; // not one of ours: drop it without a word
            }
            while (!closed.get()) {
                Object msg = Wire.decode(frames.read());
                if (msg instanceof Wire.Request) {
                    Wire.Request r = (Wire.Request) msg;
                    if (isQuick(r)) {
                        handle(r); // never waits: answer from this thread, one hop fewer
                        continue;
                    }
                    try {
                        server.handlers.execute(() -> handle(r));
                    } catch (RejectedExecutionException e) {
                        return; // manager closing
                    }
                } else if (msg instanceof Wire.Cancel) {
                    running.computeIfPresent(((Wire.Cancel) msg).id(), (k, t) -> {
                        t.interrupt();
                        return t;
                    });
                }
            }
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            // peer gone or spoke nonsense: end the connection
        } finally {
            close();
        }
    }

    /**
     * Operations that never wait for another caller and run no user code: done on the reader
     * thread. The others (take, lock, await, merge and compute functions) get a handler thread,
     * so they never hold up other calls on this connection.
     */
    static boolean isQuick(Wire.Request r) {
        String op = r.op();
        switch (r.kind()) {
            case "counter":
            case "list":
                return true;
            case "map":
                return !op.equals("merge") && !op.equals("compute");
            case "value":
                return !op.equals("updateAndGet");
            case "event":
                return !op.equals("await");
            case "lock":
                return op.equals("isLocked") || op.equals("unlock");
            case "queue":
                return op.equals("size") || op.equals("capacity");
            default:
                return false;
        }
    }

    private void handle(Wire.Request r) {
        Thread me = Thread.currentThread();
        running.put(r.id(), me);
        Object value;
        boolean ok;
        try {
            value = server.invoke(r.kind(), r.name(), r.op(), r.args(), id + "/" + r.threadId());
            ok = true;
        } catch (Throwable t) {
            value = t;
            ok = false;
        }
        running.remove(r.id());
        Thread.interrupted(); // a late cancel must not interrupt (and so close) the channel write
        if (!send(new Wire.Response(r.id(), ok, value)) && ok && value != null && "poll".equals(r.op())) {
            SharedState q = server.stateNamed(r.name());
            if (q instanceof QueueState) {
                ((QueueState) q).putBack(value); // its taker is gone: lose nothing
            }
        }
    }

    private boolean send(Wire.Response response) {
        if (closed.get()) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = Wire.encode(response);
        } catch (IllegalArgumentException notSerializable) {
            bytes = Wire.encode(new Wire.Response(response.id(), false,
                    new IllegalStateException("the manager's answer could not be serialized: " + notSerializable.getMessage())));
        }
        try {
            frames.write(bytes);
            return true;
        } catch (IOException e) {
            close();
            return false;
        }
    }

    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        frames.close();
        running.values().forEach(Thread::interrupt);
        server.connectionClosed(this);
    }
}
