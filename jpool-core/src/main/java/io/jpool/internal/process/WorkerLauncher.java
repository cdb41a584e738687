package io.jpool.internal.process;

import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.util.ProcessTree;
import io.jpool.internal.util.ThreadFactories;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Starts a pool's worker JVMs: each {@link #launch} returns a worker that is connected and has run
 * the pool's initializer, or throws a {@link StartFailure} that says why it could not start.
 *
 * <h2>How it works</h2>
 * <pre>
 *  STARTING      start the JVM; make its pipes (mkfifo) while it boots
 *  CONNECTING    write the handshake line to its stdin; wait for its HELLO on the pipes (or socket)
 *  INITIALISING  send INIT (only if the pool has an initializer); wait for READY
 *  ─▶ the connected worker, which the pool makes IDLE
 * </pre>
 * Each start runs on a thread of its own, so workers start in parallel and no lock is held while
 * a JVM boots (the pool's lock is taken only to move the worker's {@link WorkerLink.State}). The handshake line's format is {@link WorkerProtocol.HandshakeLine}'s. A
 * worker that dies or does not connect within {@link #START_TIMEOUT_MS} is killed and its pipes
 * abandoned, so no thread stays blocked opening them. The launcher owns the pool's
 * {@link WorkerListener} (its private directory and socket), opened at the first start and closed
 * with {@link #close}, and the class-data archive's bookkeeping ({@link #exited}). Which failures
 * break the pool is the scheduler's call: a StartFailure only says what happened.
 */
final class WorkerLauncher {
    private static final long START_TIMEOUT_MS = 60_000;

    private final String poolName;
    private final ProcessPoolConfig config;
    /** The workers' command without class-data options: for failure messages only. */
    private final List<String> command;
    private final WorkerArchive archive;
    /** The pool's initializer, encoded once, or null. */
    private final byte[] initializerBytes;
    private final ResultDecoder decoder;
    /** The pool's lock, which guards each worker's state: the launch thread takes it to move one. */
    private final ReentrantLock poolLock;
    /** Where tests step into a start ({@link LifecycleHook}); NONE in production. */
    volatile LifecycleHook hook = LifecycleHook.NONE;
    private WorkerListener listener; // guarded by this; null until the first start
    private boolean closed; // guarded by this

    WorkerLauncher(String poolName, ProcessPoolConfig config, byte[] initializerBytes, ResultDecoder decoder,
            ReentrantLock poolLock) {
        this.poolLock = poolLock;
        this.poolName = poolName;
        this.config = config;
        this.command = WorkerCommand.build(config);
        this.archive = WorkerArchive.of(config);
        this.initializerBytes = initializerBytes;
        this.decoder = decoder;
    }

    /**
     * Starts worker {@code number}, waits for its HELLO and its initializer, and returns it.
     * {@code launched} gets the worker as soon as its process exists, before it connects, so that
     * the pool can kill it or count it meanwhile.
     *
     * @throws StartFailure if it could not start; its {@link StartFailure#link} is the worker if
     *         its process was started (the caller then kills it and forgets it)
     */
    WorkerLink launch(long number, Consumer<WorkerLink> launched) throws StartFailure {
        WorkerLink w = null;
        Process p = null;
        try {
            WorkerListener l = listener();
            WorkerArchive.Plan cds = archive.next();
            ProcessBuilder pb = new ProcessBuilder(WorkerCommand.build(config, cds.options()));
            pb.environment().putAll(config.environment());
            String tag = ProcessTree.newTag();
            pb.environment().put(ProcessTree.TAG_VARIABLE, tag);
            try {
                p = pb.start();
            } catch (IOException e) {
                archive.exited(cds, -1);
                throw tooLong(e, pb.command());
            }
            hook.at(LifecycleHook.Step.SPAWNED, null);
            WorkerPipes pipes = l.pipes(number); // mkfifo runs while the JVM starts
            OutputPump out = new OutputPump(p.getInputStream(), () -> System.out, config.workerOutput(), p.pid(),
                    poolName + "-out-" + number);
            OutputPump err = new OutputPump(p.getErrorStream(), () -> System.err, config.workerOutput(), p.pid(),
                    poolName + "-err-" + number);
            out.start();
            err.start();
            w = new WorkerLink(number, p, tag, out, err, cds, poolLock);
            w.hook = hook;
            launched.accept(w);
            if (pipes != null) {
                try {
                    pipes.awaitCreated();
                } catch (IOException e) {
                    l.pipesFailed(e);
                    pipes = null;
                }
            }
            CompletableFuture<FrameChannel> connected;
            WorkerProtocol.HandshakeLine handshake;
            if (pipes != null) {
                handshake = WorkerProtocol.HandshakeLine.of(WorkerProtocol.HandshakeLine.PIPES,
                        pipes.in().toString(), pipes.out().toString(), number, l.token(), config.maxResultBytes(),
                        WarmUpProbe.hex());
                connected = pipes.open(l.token(), number, l.maxFrame(), poolName + "-open-" + number);
            } else {
                handshake = WorkerProtocol.HandshakeLine.of(WorkerProtocol.HandshakeLine.SOCKET,
                        l.socketPath().toString(), "", number, l.token(), config.maxResultBytes(), WarmUpProbe.hex());
                connected = l.expect(number);
            }
            w.channel = awaitConnection(w, handshake, connected, pipes);
            initialize(w);
            return w;
        } catch (StartFailure e) {
            e.link = w;
            throw e;
        } catch (Throwable e) {
            if (w == null && p != null) {
                // its process exists but no WorkerLink does: nothing else knows it to kill it
                ProcessTree.destroy(p);
            }
            StartFailure f = new StartFailure("could not start a worker JVM with " + command.get(0) + ": " + e, e);
            f.link = w;
            throw f;
        }
    }

    /** {@code e}, with what to do if the system refused the command line as too long (E2BIG). */
    private static IOException tooLong(IOException e, List<String> command) {
        String m = String.valueOf(e.getMessage());
        if (!m.contains("error=7") && !m.contains("too long")) {
            return e;
        }
        long chars = command.stream().mapToLong(a -> a.length() + 1L).sum();
        return new IOException(m + ": the worker's command line has " + command.size() + " arguments and " + chars
                + " characters, more than this system allows; pass fewer or shorter jvmOptions, or a shorter classpath", e);
    }

    /** The pool's listener, made at the first start; IOException once the launcher is closed. */
    private synchronized WorkerListener listener() throws IOException {
        if (closed) {
            throw new IOException("the pool closed");
        }
        if (listener == null) {
            listener = new WorkerListener(poolName,
                    (int) Math.min(Integer.MAX_VALUE - 64, config.maxResultBytes() + 65536));
        }
        return listener;
    }

    /**
     * Sends the worker its handshake line and returns its channel once it said HELLO. If it does
     * not (it died, even before it read the line, or is too slow), it is killed and its pipes, if
     * any, are abandoned so that no thread stays blocked opening them.
     */
    private FrameChannel awaitConnection(WorkerLink w, WorkerProtocol.HandshakeLine handshake,
            CompletableFuture<FrameChannel> f, WorkerPipes pipes) throws StartFailure {
        try {
            w.advance(WorkerLink.State.CONNECTING);
            sendHandshake(w, handshake);
            return awaitHello(w, f);
        } catch (StartFailure e) {
            if (pipes != null) {
                w.kill("it failed to start", 0);
                w.awaitExit();
                pipes.abandon();
                f.thenAccept(FrameChannel::close);
            }
            throw e;
        }
    }

    /** A JVM that cannot start (a bad option) may be gone before its handshake is written. */
    private void sendHandshake(WorkerLink w, WorkerProtocol.HandshakeLine line) throws StartFailure {
        try {
            w.handshake(line.format());
        } catch (IOException e) {
            throw notConnected(w, "closed its stdin before it connected: " + e, e);
        }
    }

    private FrameChannel awaitHello(WorkerLink w, CompletableFuture<FrameChannel> f) throws StartFailure {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        for (;;) {
            try {
                return f.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!w.process.isAlive()) {
                    throw notConnected(w, "did not connect", null);
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new StartFailure("a worker JVM (pid " + w.pid + ") did not connect within "
                            + START_TIMEOUT_MS / 1000 + " s" + stderrText(w), null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartFailure("interrupted while a worker started", e);
            } catch (ExecutionException e) {
                // its pipes ended (it died), or the pool closed its socket
                throw notConnected(w, "failed to connect: " + e.getCause(), e.getCause());
            }
        }
    }

    /**
     * The failure of a worker that ended, or is ending, before it connected: its exit code if it
     * exits within a second (else {@code otherwise}), its stderr and the command that started it.
     */
    private StartFailure notConnected(WorkerLink w, String otherwise, Throwable cause) {
        boolean exited = w.awaitExitWithin(1000);
        return new StartFailure("a worker JVM (pid " + w.pid + ") "
                + (exited ? "exited with code " + w.process.exitValue() + " before it connected" : otherwise)
                + stderrText(w) + "\ncommand: " + String.join(" ", command), cause,
                exited && killedFromOutside(w, w.process.exitValue()));
    }

    /** Runs the pool's initializer in the new worker, if it has one, and waits for its READY. */
    private void initialize(WorkerLink w) throws StartFailure, IOException {
        if (initializerBytes == null) {
            return; // nothing to run: the first task can go at once
        }
        w.advance(WorkerLink.State.INITIALISING);
        w.send(WorkerProtocol.INIT, 0, ByteBuffer.wrap(initializerBytes));
        byte[] reply;
        try {
            reply = w.channel.read();
        } catch (IOException e) {
            int code = w.awaitExit();
            throw new StartFailure("a worker JVM (pid " + w.pid + ") died during start-up with exit code " + code
                    + stderrText(w), e, killedFromOutside(w, code));
        }
        if (WorkerProtocol.type(reply) == WorkerProtocol.INIT_FAILED) {
            Throwable error = decoder.decodeError(reply);
            StartFailure f = new StartFailure("the pool's initializer failed in worker pid " + w.pid
                    + ", so the pool is broken: " + error, error, false);
            f.fatal = true;
            throw f;
        }
        if (WorkerProtocol.type(reply) != WorkerProtocol.READY) {
            throw new IOException("unexpected frame " + WorkerProtocol.type(reply) + " from a starting worker");
        }
    }

    private static String stderrText(WorkerLink w) {
        List<String> lines = w.stderr.lastLines(1000);
        return lines.isEmpty() ? "" : "; its stderr:\n  " + String.join("\n  ", lines);
    }

    /** True if a starting worker was killed by a signal the pool did not send (the OOM killer, say). */
    private static boolean killedFromOutside(WorkerLink w, int exitCode) {
        return exitCode > 128 && w.killReason == null;
    }

    /**
     * A worker on pipes asks to move to the pool's socket: open it (on a thread of its own: a
     * JVM's first socket is slow to open), expect the worker there, and tell it where. Once it
     * says HELLO there, its channel moves to that connection.
     */
    void offerSocket(WorkerLink w) {
        ThreadFactories.startDaemon(poolName + "-socket-" + w.number, () -> {
            try {
                WorkerListener l = listener();
                Path socket = l.socketPath();
                l.expect(w.number).thenAccept(connection -> {
                    try {
                        w.channel.moveTo(connection);
                    } catch (IOException e) {
                        connection.close(); // the worker's pipe broke: its reader reports it
                    }
                });
                w.send(WorkerProtocol.SOCKET_READY, 0, ByteBuffer.wrap(socket.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                // the worker stays on its pipes
            }
        });
    }

    /** Worker {@code w} exited with {@code code}: the class-data archive learns whether its run was clean. */
    void exited(WorkerLink w, int code) {
        archive.exited(w.cds, code);
    }

    /** Worker {@code number} failed to start: a late connection of it is not waited for. */
    synchronized void forget(long number) {
        if (listener != null) {
            listener.forget(number);
        }
    }

    /** The pool's private directory (its workers' pipes, or socket), or null before the first start. */
    synchronized Path directory() {
        return listener == null ? null : listener.directory();
    }

    /** Closes the listener and deletes the pool's directory; no worker starts after this. */
    void close() {
        WorkerListener l;
        synchronized (this) {
            closed = true;
            l = listener;
        }
        if (l != null) {
            l.close();
        }
    }

    /** Why a worker could not start; the message is the BrokenPoolException's if the pool breaks. */
    static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;
        /** The worker was killed from outside while it started: it is replaced, whatever happened before. */
        final boolean killed;
        /** The pool breaks at once (its initializer failed), whatever happened before. */
        boolean fatal;
        /** The worker, if its process was started; null if not. */
        transient WorkerLink link;

        StartFailure(String message, Throwable cause) {
            this(message, cause, false);
        }

        StartFailure(String message, Throwable cause, boolean killed) {
            super(message, cause);
            this.killed = killed;
        }
    }
}
