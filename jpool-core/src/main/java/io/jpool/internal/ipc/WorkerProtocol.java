package io.jpool.internal.ipc;


import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * The frames between the caller and a worker. Every frame is {@code [byte type][long id][body]}
 * inside a {@link io.jpool.internal.ipc.FrameChannel} frame; {@code id} is the task's, or 0.
 * <pre>
 *  caller ─▶ worker   INIT(initializer)  TASK(id, task)  CHUNK(id, function, items)  EXIT  SOCKET_READY(path)
 *  worker ─▶ caller   HELLO(token)  READY  INIT_FAILED(error)  RESULT(id, value)  ERROR(id, error)  SOCKET_WANTED
 * </pre>
 * A worker starts on pipes (they open at once). After its first result it asks for the pool's
 * socket (SOCKET_WANTED); the caller opens it and answers SOCKET_READY; the worker connects on a
 * thread of its own, says HELLO there, and both ends move their channel to that connection (see
 * {@link io.jpool.internal.ipc.FrameChannel#moveTo}), which is faster for small and large frames.
 * A worker reads a frame, runs its task, answers, then reads the next, so the caller may write a
 * few small CHUNK frames ahead of the worker's answers (see {@code process.WorkerLink.held}): they wait
 * in the channel, in order, and none has started until every answer before it was written.
 * The bodies of TASK, CHUNK and RESULT are laid out by {@link io.jpool.internal.codec.Payloads}. HELLO is the first frame on a new connection: the 32-byte token the worker read from its stdin,
 * with the worker's number as the id. Values and errors are encoded by the pool's {@link io.jpool.internal.codec.Codec};
 * errors travel as an {@link ErrorEnvelope} so that a class the caller cannot load still arrives
 * as a readable {@link io.jpool.RemoteTaskException}.
 */
public final class WorkerProtocol {
    public static final byte HELLO = 1;
    public static final byte INIT = 2;
    public static final byte READY = 3;
    public static final byte INIT_FAILED = 4;
    public static final byte TASK = 5;
    public static final byte RESULT = 6;
    public static final byte ERROR = 7;
    public static final byte EXIT = 8;
    public static final byte CHUNK = 9;
    public static final byte SOCKET_WANTED = 10;
    public static final byte SOCKET_READY = 11;

    public static final int HEADER = 9;
    public static final int TOKEN_BYTES = 32;
    /** Exit code of a worker whose parent (the caller's JVM) is gone. */
    public static final int EXIT_PARENT_GONE = 86;
    /** Exit code of a worker whose handshake failed. */
    public static final int EXIT_BAD_HANDSHAKE = 87;
    /** Exit code of the JVM when {@code -XX:+ExitOnOutOfMemoryError} fires. */
    public static final int EXIT_OUT_OF_MEMORY = 3;

    private WorkerProtocol() {
    }

    public static ByteBuffer header(byte type, long id) {
        return ByteBuffer.allocate(HEADER).put(0, type).putLong(1, id);
    }

    /** The header of a {@code type} frame for {@code id}, then {@code body}. */
    public static ByteBuffer[] withHeader(byte type, long id, ByteBuffer[] body) {
        ByteBuffer[] parts = new ByteBuffer[body.length + 1];
        parts[0] = header(type, id);
        System.arraycopy(body, 0, parts, 1, body.length);
        return parts;
    }

    public static byte type(byte[] frame) {
        return frame[0];
    }

    public static long id(byte[] frame) {
        return ByteBuffer.wrap(frame).getLong(1);
    }

    /** A task's exception as it travels: the object's bytes if it could be encoded, and always its text. */
    public record ErrorEnvelope(String className, String message, String stackTrace, byte[] encoded)
            implements Serializable {
    }
}
