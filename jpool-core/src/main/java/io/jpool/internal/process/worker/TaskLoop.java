package io.jpool.internal.process.worker;

import io.jpool.RunnableTask;
import io.jpool.Task;
import io.jpool.internal.codec.Blocks;
import io.jpool.internal.codec.ByteWriter;
import io.jpool.internal.codec.JdkCodec;
import io.jpool.internal.codec.Payloads;
import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.util.ProcessTree;
import io.jpool.internal.util.ThreadFactories;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A worker's main loop: it reads the caller's frames and answers them, one task at a time, on
 * the worker's main thread (see {@link WorkerProtocol}).
 *
 * <p>How it works: a TASK or CHUNK frame is decoded ({@link TaskDecoder}), run, and answered with
 * a RESULT or an ERROR frame. A small reply waits ({@link HeldReplies}) while the next task's
 * frame is already in hand, so a map's small items are answered several to a write; replies are
 * held only once the worker notes each task it starts ({@link StartedMark}), so that the caller
 * can tell which of the tasks it gave a dead worker was running. Every reply is out before any
 * other frame is acted on: INIT runs the pool's initializer, SOCKET_READY moves the channel from
 * the pipes to the pool's socket (asked for once the first result is out), EXIT halts the JVM.
 */
final class TaskLoop {
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
    private final TaskDecoder decoder;
    private final long maxResultBytes;
    private final long number;
    private final byte[] token;
    /** Set once this worker asked to move from its pipes to the pool's socket (see WorkerProtocol). */
    private boolean socketWanted;

    TaskLoop(FrameChannel channel, long maxResultBytes, long number, byte[] token, String poolFile) {
        this.channel = channel;
        this.channelFile = poolFile;
        this.replies = new HeldReplies(channel);
        this.decoder = new TaskDecoder(channel);
        // a task that calls System.exit ends the JVM with the replies before it written, so that
        // the caller finds that task, not an earlier one, unanswered
        Runtime.getRuntime().addShutdownHook(new Thread(replies::flushQuietly, "jpool-worker-exit-replies"));
        this.maxResultBytes = maxResultBytes;
        this.number = number;
        this.token = token;
    }

    void serve() throws IOException {
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
                    FrameChannel socket = WorkerChannels.connectSocket(socketPath);
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
            Task<?> task = type == WorkerProtocol.TASK ? decoder.task(frame) : decoder.chunk(frame);
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

    /** The error's envelope: its encoded object if possible, and its text in any case. */
    private static byte[] envelope(Throwable t) throws IOException {
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
}
