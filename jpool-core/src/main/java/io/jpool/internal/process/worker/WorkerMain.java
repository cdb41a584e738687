package io.jpool.internal.process.worker;

import io.jpool.RunnableTask;
import io.jpool.Task;
import io.jpool.TaskFunction;
import io.jpool.internal.codec.Blocks;
import io.jpool.internal.codec.ByteWriter;
import io.jpool.internal.codec.DecodeCache;
import io.jpool.internal.codec.JdkCodec;
import io.jpool.internal.codec.Payloads;
import io.jpool.internal.codec.ValueCodec;
import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.PrivateDirectories;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.pool.MapChunk;
import io.jpool.internal.util.ProcessTree;
import io.jpool.internal.util.Spin;
import io.jpool.internal.util.ThreadFactories;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The main class of a worker JVM.
 *
 * <h2>Implementation overview</h2>
 * The caller starts this JVM and writes one line to its stdin (its format:
 * {@link WorkerProtocol.HandshakeLine}): where the channel is (two named pipes, or a Unix domain
 * socket where pipes cannot be made), the worker number, the token and the largest result
 * allowed. The worker opens the channel, says HELLO with the token, and then
 * serves frames on its main thread, one task at a time (see {@link WorkerProtocol}); after each, it polls
 * the channel for {@link #POLL_NANOS} before it blocks on it. A small reply waits
 * ({@link HeldReplies}) while the next task's frame is already in hand, so a map's small items
 * are answered several to a write. Its stdout and
 * stderr are plain pipes that only the task's own output uses: the protocol never travels there.
 *
 * <p>A daemon thread keeps reading stdin: end-of-file means the caller's JVM is gone, and the
 * worker halts at once. (The caller writes there once more only when it retires the worker: that
 * byte ends the watch, so the exiting JVM has no thread in a native read to wait for.) The channel's end-of-file does the same.
 * Either way no worker outlives its caller, and before it halts it kills every process its tasks
 * started. Tasks see an empty {@code System.in}: the real stdin is this watch's pipe.
 */
public final class WorkerMain {
    /**
     * How long the worker polls for its next frame before it blocks: a caller that waits for each
     * result and then submits again sends the next task within tens of microseconds, and a worker
     * still awake then saves its own wake-up, a large part of a tiny task's round trip. 0 on one
     * CPU, where polling would keep the caller from running.
     */
    private static final long POLL_NANOS = Spin.nanos(50_000L);
    private final FrameChannel channel;
    /**
     * Where it notes each task it starts, or null: replies are held only with it, so that the
     * caller can tell which of the tasks it gave a dead worker was running. Made when a reply
     * could first be held (a file off the start's path), once.
     */
    private StartedMark started;
    private boolean markTried;
    /** A file in the pool's directory, where the mark goes. */
    private final String channelFile;
    /** Every frame after HELLO is written through it (see {@link HeldReplies}). */
    private final HeldReplies replies;
    private final long maxResultBytes;
    private final DecodeCache cache = new DecodeCache();
    private final long number;
    private final byte[] token;
    /** The map function the latest chunk brought, and its id (0: none); see {@link #decodeChunk}. */
    @SuppressWarnings("rawtypes")
    private TaskFunction function;
    private long functionId;
    /** Why the latest function could not be decoded, or null. */
    private Throwable functionFailure;
    /** Set once this worker asked to move from its pipes to the pool's socket (see WorkerProtocol). */
    private boolean socketWanted;

    private WorkerMain(FrameChannel channel, long maxResultBytes, long number, byte[] token, String poolFile) {
        this.channel = channel;
        this.channelFile = poolFile;
        this.replies = new HeldReplies(channel);
        // a task that calls System.exit ends the JVM with the replies before it written, so that
        // the caller finds that task, not an earlier one, unanswered
        Runtime.getRuntime().addShutdownHook(new Thread(replies::flushQuietly, "jpool-worker-exit-replies"));
        this.maxResultBytes = maxResultBytes;
        this.number = number;
        this.token = token;
    }

    public static void main(String[] args) {
        WorkerProtocol.HandshakeLine handshake;
        try {
            handshake = WorkerProtocol.HandshakeLine.parse(readLine(System.in));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("jpool worker: no valid handshake on stdin (this class is started by ProcessPool,"
                    + " not by hand): " + e.getMessage());
            Runtime.getRuntime().halt(WorkerProtocol.EXIT_BAD_HANDSHAKE);
            return;
        }
        warmUp(handshake.warmUpHex());
        // A task's System.exit (or a SIGTERM) ends the JVM through its shutdown hooks: the
        // processes its tasks started die with it, as they do on every other way out.
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessTree::destroyDescendantsOfThisProcess,
                "jpool-worker-exit"));
        InputStream callerPipe = System.in;
        System.setIn(new ByteArrayInputStream(new byte[0])); // tasks read an empty stdin, not the caller's pipe
        watchParent(handshake.first(), callerPipe);
        try {
            FrameChannel channel = WorkerProtocol.HandshakeLine.PIPES.equals(handshake.transport())
                    ? openPipes(handshake.first(), handshake.second()) : connectSocket(handshake.first());
            channel.pollBeforeBlocking(POLL_NANOS);
            byte[] token = handshake.token();
            channel.write(WorkerProtocol.hello(handshake.number(), token));
            new WorkerMain(channel, handshake.maxResultBytes(), handshake.number(), token, handshake.first()).serve();
        } catch (EOFException e) {
            channelGone(); // the pool closed the channel, or the caller died
        } catch (Throwable e) {
            System.err.println("jpool worker: channel failed: " + e);
            channelGone();
        }
    }

    /** The caller's two named pipes (see WorkerPipes), opened in its order: in, then out. */
    private static FrameChannel openPipes(String in, String out) throws IOException {
        FileInputStream fromCaller = new FileInputStream(in);
        FileOutputStream toCaller = new FileOutputStream(out);
        return new FrameChannel(fromCaller, toCaller, Integer.MAX_VALUE - 8);
    }

    /** The pool's Unix domain socket: the fallback where named pipes cannot be made. */
    private static FrameChannel connectSocket(String path) throws IOException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(path));
        return new FrameChannel(socket, Integer.MAX_VALUE - 8);
    }

    private void serve() throws IOException {
        for (;;) {
            byte[] frame = channel.read();
            byte type = WorkerProtocol.type(frame);
            long id = WorkerProtocol.id(frame);
            if (type == WorkerProtocol.TASK || type == WorkerProtocol.CHUNK) {
                if (started != null) {
                    started.started(id);
                }
                runTask(id, type, frame);
                if (!channel.nextFrameHere() || replies.full() || !marking()) {
                    replies.flush(); // nothing more in hand to run first: the caller gets what is done
                } else {
                    replies.keep();
                }
                if (!socketWanted && channel.overPipes()) {
                    socketWanted = true; // the first result is out: now the slower-to-open, faster socket
                    replies.write(WorkerProtocol.header(WorkerProtocol.SOCKET_WANTED, 0));
                }
                continue;
            }
            replies.flush(); // every reply before this frame is out before it is acted on (EXIT halts)
            if (type == WorkerProtocol.SOCKET_READY) {
                moveToSocket(new String(frame, WorkerProtocol.HEADER, frame.length - WorkerProtocol.HEADER, StandardCharsets.UTF_8));
            } else if (type == WorkerProtocol.INIT) {
                runInitializer(frame);
            } else if (type == WorkerProtocol.EXIT) {
                ProcessTree.destroyDescendantsOfThisProcess();
                System.out.flush();
                System.err.flush();
                Runtime.getRuntime().halt(0);
            } else {
                throw new IOException("unexpected frame type " + type);
            }
        }
    }

    /** True if it notes the tasks it starts ({@link #started}), making the mark the first time. */
    private boolean marking() {
        if (started == null && !markTried) {
            markTried = true;
            started = StartedMark.open(channelFile, number);
        }
        return started != null;
    }

    /**
     * Connects to the caller's socket on a thread of its own (a JVM's first socket is slow to open,
     * while tasks go on over the pipes), says HELLO, and moves the channel there. If that fails,
     * the channel stays on the pipes.
     */
    private void moveToSocket(String socketPath) {
        ThreadFactories.startDaemon("jpool-socket-move", new Runnable() {
            @Override
            public void run() {
                try {
                    FrameChannel socket = connectSocket(socketPath);
                    socket.write(WorkerProtocol.hello(number, token));
                    channel.moveTo(socket);
                } catch (IOException | RuntimeException e) {
                    // stay on the pipes
                }
            }
        });
    }

    private void runInitializer(byte[] frame) throws IOException {
        try {
            if (frame.length > WorkerProtocol.HEADER) {
                RunnableTask init = (RunnableTask) Payloads.readObject(frame, WorkerProtocol.HEADER,
                        frame.length - WorkerProtocol.HEADER, null, JdkCodec.INSTANCE);
                init.run();
            }
            replies.write(WorkerProtocol.header(WorkerProtocol.READY, 0));
        } catch (Throwable t) {
            replies.write(WorkerProtocol.header(WorkerProtocol.INIT_FAILED, 0), ByteBuffer.wrap(envelope(t)));
        }
    }

    private void runTask(long id, byte type, byte[] frame) throws IOException {
        Object result;
        try {
            Task<?> task = type == WorkerProtocol.TASK ? decodeTask(frame) : decodeChunk(frame);
            Thread.interrupted(); // no interrupt leaks from one task into the next
            result = task.call();
        } catch (ClassNotFoundException e) {
            sendError(id, new IllegalStateException("the worker cannot load class " + e.getMessage()
                    + ": the worker's class path must hold the task's classes (ProcessPool.builder().classpath(...))", e));
            return;
        } catch (Throwable t) {
            sendError(id, t);
            return;
        }
        if (writeSmallResult(id, result)) {
            return;
        }
        Blocks encoded;
        try {
            encoded = Payloads.value(result, JdkCodec.INSTANCE);
        } catch (Throwable t) {
            sendError(id, new IllegalStateException("the task's result (" + className(result)
                    + ") could not be serialized: " + t + "; return a Serializable value", t));
            return;
        }
        if (encoded.size() > maxResultBytes) {
            sendError(id, new IllegalStateException("the task's result (" + className(result) + ") is "
                    + encoded.size() + " bytes, over the pool's maxResultBytes of " + maxResultBytes));
            return;
        }
        ByteBuffer[] parts = WorkerProtocol.withHeader(WorkerProtocol.RESULT, id, encoded.head());
        if (encoded.trailing() == null) {
            replies.write(parts);
        } else {
            replies.write(parts, encoded.trailing());
        }
    }

    /**
     * Writes the RESULT frame of a value the fast codec takes (a map chunk's results, most small
     * results) from one array, header included, and returns true; false, having written nothing,
     * for any other value.
     */
    private boolean writeSmallResult(long id, Object result) throws IOException {
        ByteWriter frame = new ByteWriter(64);
        frame.write(WorkerProtocol.RESULT);
        frame.writeLong(id);
        if (!Payloads.writeFastValue(result, frame)) {
            return false;
        }
        if (frame.size() - WorkerProtocol.HEADER > maxResultBytes) {
            sendError(id, new IllegalStateException("the task's result (" + className(result) + ") is "
                    + (frame.size() - WorkerProtocol.HEADER) + " bytes, over the pool's maxResultBytes of "
                    + maxResultBytes));
        } else {
            replies.hold(frame.asBuffer());
        }
        return true;
    }

    private void sendError(long id, Throwable t) throws IOException {
        replies.write(WorkerProtocol.header(WorkerProtocol.ERROR, id), ByteBuffer.wrap(envelope(t)));
    }

    /** A TASK body: {@code [flags][task object]}; a stateless task is decoded once and reused. */
    private Task<?> decodeTask(byte[] frame) throws IOException, ClassNotFoundException {
        int offset = WorkerProtocol.HEADER + 1;
        int length = frame.length - offset;
        byte[] tail = channel.tail();
        boolean stateless = frame[WorkerProtocol.HEADER] == Payloads.STATELESS && tail == null;
        Object task = stateless ? cache.get(frame, offset, length) : null;
        if (task == null) {
            task = Payloads.readObject(frame, offset, length, tail, JdkCodec.INSTANCE);
            if (stateless) {
                cache.put(frame, offset, length, task);
            }
        }
        return (Task<?>) task;
    }

    /**
     * A CHUNK body: {@code [long f][int n][function, n bytes][items]}. A chunk with {@code n > 0}
     * brings function {@code f} (each distinct function's bytes are decoded once); one with
     * {@code n == 0} runs the function this worker got last, which the caller sends only when it is
     * {@code f} (its frames arrive in order, and a worker dies with its channel).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Task<?> decodeChunk(byte[] frame) throws Throwable {
        ByteBuffer body = ByteBuffer.wrap(frame);
        long id = body.getLong(WorkerProtocol.HEADER);
        int fnLength = body.getInt(WorkerProtocol.HEADER + 8);
        int fnOffset = WorkerProtocol.HEADER + 12;
        if (fnLength > 0) {
            functionId = id;
            function = null;
            functionFailure = null;
            try {
                Object fn = cache.get(frame, fnOffset, fnLength);
                if (fn == null) {
                    fn = Payloads.readObject(frame, fnOffset, fnLength, null, JdkCodec.INSTANCE);
                    cache.put(frame, fnOffset, fnLength, fn);
                }
                function = (TaskFunction) fn;
            } catch (Throwable e) {
                functionFailure = e; // the map's later chunks here fail as this one does
                throw e;
            }
        } else if (id != functionId) {
            throw new IllegalStateException("a map chunk names function #" + id + ", which this worker"
                    + " does not hold (it holds #" + functionId + "): the pool broke its protocol");
        } else if (functionFailure != null) {
            throw functionFailure;
        }
        int itemsOffset = fnOffset + fnLength;
        Object[] items = (Object[]) Payloads.readValue(frame, itemsOffset, frame.length - itemsOffset,
                channel.tail(), JdkCodec.INSTANCE, null);
        return new MapChunk(function, items);
    }

    /** The error's envelope: its encoded object if possible, and its text in any case. */
    public static byte[] envelope(Throwable t) throws IOException {
        byte[] encoded;
        try {
            encoded = JdkCodec.INSTANCE.encode(t);
        } catch (Throwable notSerializable) {
            encoded = null;
        }
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        return JdkCodec.INSTANCE.encode(new WorkerProtocol.ErrorEnvelope(t.getClass().getName(), t.getMessage(),
                trace.toString(), encoded));
    }

    private static String className(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }

    /**
     * A lambda for the warm-up: the caller encodes it (once per caller JVM, {@code process.WarmUpProbe})
     * and the worker decodes it. The worker never encodes one itself: the first lambda a JVM
     * serializes makes it compute {@code Object[]}'s serialVersionUID, a SHA digest whose
     * security providers are slow to load in a fresh JVM.
     */
    public static RunnableTask warmUpProbe() {
        return () -> { };
    }

    /**
     * On a second thread, while the main thread connects: run once what the first task needs
     * (a serializable lambda's rebuilding and bootstrap, the value codec), so the first task does
     * not pay for it. {@code probeHex} is {@link #warmUpProbe()} as the caller encoded it (or empty).
     */
    private static void warmUp(String probeHex) {
        ThreadFactories.startDaemon("jpool-warmup", new Runnable() {
            @Override
            public void run() {
                try {
                    if (!probeHex.isEmpty()) {
                        byte[] bytes = HexFormat.of().parseHex(probeHex);
                        ((RunnableTask) Payloads.readObject(bytes, 0, bytes.length, null, JdkCodec.INSTANCE)).run();
                    }
                    byte[] value = ValueCodec.encode(new Object[] {1, "x"});
                    ValueCodec.decode(value, 0, value.length);
                } catch (Exception ignored) {
                    // only a warm-up
                }
            }
        });
    }

    /** A file in the pool's directory (a pipe or the socket), and the caller's pid. */
    private static volatile String poolFile;
    private static volatile long parentPid = -1;
    /** This process, or the launcher under the caller that started it (see {@link #findCaller}). */
    private static volatile ProcessHandle callerChild;

    /** Exits: the caller is gone or let go of this worker. */
    private static void channelGone() {
        ProcessTree.destroyDescendantsOfThisProcess(); // nothing a task started outlives the caller
        removeOrphanedDirectory(poolFile, parentPid);
        Runtime.getRuntime().halt(WorkerProtocol.EXIT_PARENT_GONE);
    }

    /** Halts when {@code callerPipe} (the JVM's stdin) ends: the caller's JVM is gone (its end closed). */
    private static void watchParent(String fileInPoolDirectory, InputStream callerPipe) {
        poolFile = fileInPoolDirectory;
        ThreadFactories.startDaemon("jpool-parent-watch", new Runnable() {
            @Override
            public void run() {
                // found here, off the start's path: ProcessHandle's first use is slow
                findCaller();
                try {
                    if (callerPipe.read() >= 0) {
                        return; // the pool lets this worker go (an EXIT frame follows): stop watching,
                    }           // so that no thread sits in a native read when the JVM exits
                } catch (IOException ignored) {
                    // same as end of file
                }
                channelGone();
            }
        });
    }

    /**
     * The caller is this JVM's parent, unless a launcher that forks (ProcessPool.Builder#launcher)
     * stands between them: then it is the nearest java ancestor, at most three up, and the
     * launcher's parent is watched instead of this JVM's.
     */
    private static void findCaller() {
        ProcessHandle child = ProcessHandle.current();
        java.util.Optional<ProcessHandle> parent = child.parent();
        for (int i = 0; i < 3 && parent.isPresent() && !isJava(parent.get()); i++) {
            child = parent.get();
            parent = child.parent();
        }
        if (parent.isPresent() && isJava(parent.get())) {
            callerChild = child;
            parentPid = parent.get().pid();
        } else { // no java ancestor (a caller not named java): the parent, as without a launcher
            callerChild = ProcessHandle.current();
            parentPid = callerChild.parent().map(ProcessHandle::pid).orElse(-1L);
        }
    }

    private static boolean isJava(ProcessHandle h) {
        return h.info().command().map(c -> java.nio.file.Path.of(c).getFileName().toString().equals("java"))
                .orElse(false);
    }

    /**
     * A caller killed outright cannot delete its pool's directory: the first of its workers to
     * notice does, if the caller is really gone (never while it lives: new workers connect there).
     */
    private static void removeOrphanedDirectory(String fileInPoolDirectory, long parent) {
        if (fileInPoolDirectory == null) {
            return;
        }
        try {
            // A dead parent may linger as a zombie, but its children are re-parented as it exits,
            // a moment after its sockets and pipes closed: give that moment (at most ~0.5 s).
            boolean parentAlive = parent > 0;
            for (int i = 0; i < 50 && parentAlive; i++) {
                ProcessHandle child = callerChild != null ? callerChild : ProcessHandle.current();
                parentAlive = child.parent().map(ProcessHandle::pid).orElse(-1L) == parent;
                if (parentAlive) {
                    Thread.sleep(10);
                }
            }
            java.nio.file.Path dir = java.nio.file.Path.of(fileInPoolDirectory).getParent();
            if (!parentAlive && dir != null && dir.getFileName().toString().startsWith("jpool-pool-")) {
                PrivateDirectories.delete(dir); // another worker may be at it too: a gone file is no matter
            }
        } catch (RuntimeException ignored) {
            // best effort: another worker may have done it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("stdin closed before the handshake line");
            }
            line.append((char) c);
        }
        return new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
