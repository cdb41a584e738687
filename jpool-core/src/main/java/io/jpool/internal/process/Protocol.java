package io.jpool.internal.process;

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
 * few small CHUNK frames ahead of the worker's answers (see {@link WorkerLink#held}): they wait
 * in the channel, in order, and none has started until every answer before it was written.
 * The bodies of TASK, CHUNK and RESULT are laid out by {@link Payloads}. HELLO is the first frame on a new connection: the 32-byte token the worker read from its stdin,
 * with the worker's number as the id. Values and errors are encoded by the pool's {@link Codec};
 * errors travel as an {@link ErrorEnvelope} so that a class the caller cannot load still arrives
 * as a readable {@link io.jpool.RemoteTaskException}.
 */
final class Protocol {
    static final byte HELLO = 1;
    static final byte INIT = 2;
    static final byte READY = 3;
    static final byte INIT_FAILED = 4;
    static final byte TASK = 5;
    static final byte RESULT = 6;
    static final byte ERROR = 7;
    static final byte EXIT = 8;
    static final byte CHUNK = 9;
    static final byte SOCKET_WANTED = 10;
    static final byte SOCKET_READY = 11;

    static final int HEADER = 9;
    static final int TOKEN_BYTES = 32;
    /** Exit code of a worker whose parent (the caller's JVM) is gone. */
    static final int EXIT_PARENT_GONE = 86;
    /** Exit code of a worker whose handshake failed. */
    static final int EXIT_BAD_HANDSHAKE = 87;
    /** Exit code of the JVM when {@code -XX:+ExitOnOutOfMemoryError} fires. */
    static final int EXIT_OUT_OF_MEMORY = 3;

    private Protocol() {
    }

    static ByteBuffer header(byte type, long id) {
        return ByteBuffer.allocate(HEADER).put(0, type).putLong(1, id);
    }

    /** The header of a {@code type} frame for {@code id}, then {@code body}. */
    static ByteBuffer[] withHeader(byte type, long id, ByteBuffer[] body) {
        ByteBuffer[] parts = new ByteBuffer[body.length + 1];
        parts[0] = header(type, id);
        System.arraycopy(body, 0, parts, 1, body.length);
        return parts;
    }

    static byte type(byte[] frame) {
        return frame[0];
    }

    static long id(byte[] frame) {
        return ByteBuffer.wrap(frame).getLong(1);
    }

    /** A task's exception as it travels: the object's bytes if it could be encoded, and always its text. */
    record ErrorEnvelope(String className, String message, String stackTrace, byte[] encoded)
            implements Serializable {
    }
}
