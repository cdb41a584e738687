package io.jpool.internal.ipc;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

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
 * in the channel, in order, and none has started until every answer before it was written or
 * held (a worker holds small answers while the next frame is in hand, and writes them together
 * within half a millisecond).
 * The bodies of TASK, CHUNK and RESULT are laid out by {@link io.jpool.internal.codec.Payloads}. HELLO is the first frame on a new connection: the 32-byte token the worker read from its stdin,
 * with the worker's number as the id. Values and errors are encoded by the pool's {@link io.jpool.internal.codec.Codec};
 * errors travel as an {@link ErrorEnvelope} so that a class the caller cannot load still arrives
 * as a readable {@link io.jpool.RemoteTaskException}.
 *
 * <h2>The handshake line</h2>
 * Before any frame, the caller writes one line to the new worker's stdin (UTF-8, ended by
 * {@code \n}); the token travels there, never on the command line. Seven fields, tab-separated,
 * in this order ({@link HandshakeLine}):
 * <pre>
 *  0 transport   "pipes" or "socket"
 *  1 first       pipes: the caller-to-worker pipe {@code <n>.in}; socket: the pool's socket path
 *  2 second      pipes: the worker-to-caller pipe {@code <n>.out}; socket: empty
 *  3 number      the worker's number in its pool, decimal: the id of its HELLO
 *  4 token       the pool's {@link #TOKEN_BYTES}-byte token, hex: the body of its HELLO
 *  5 maxResult   the largest encoded result it may send, in bytes, decimal
 *  6 warmUp      a lambda for its warm-up thread to decode, hex, or empty
 * </pre>
 * The worker opens its channel and says HELLO there; a line that does not parse makes it exit
 * with {@link #EXIT_BAD_HANDSHAKE}. Its stdin then stays open: its end tells the worker the
 * caller's JVM is gone.
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

    /**
     * The file in the pool's directory where worker {@code number} keeps the id of the task it
     * started last (8 bytes, big-endian, written through a shared mapping, so it survives a kill):
     * the caller reads it when the worker died holding several tasks.
     */
    public static String startedFile(long number) {
        return number + ".started";
    }

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

    /** The HELLO frame of worker {@code number}: its header, then the token. */
    public static ByteBuffer[] hello(long number, byte[] token) {
        return new ByteBuffer[] {header(HELLO, number), ByteBuffer.wrap(token)};
    }

    /**
     * The worker number a connection's first frame names, if that frame is a HELLO with the pool's
     * {@code token}; IOException saying what was wrong otherwise. The token is compared in
     * constant time, so a forger learns nothing from how fast it is refused.
     */
    public static long checkHello(byte[] frame, byte[] token) throws IOException {
        if (frame.length != HEADER + TOKEN_BYTES || type(frame) != HELLO) {
            throw new IOException("the worker's first frame was no HELLO");
        }
        if (!MessageDigest.isEqual(token, Arrays.copyOfRange(frame, HEADER, frame.length))) {
            throw new IOException("the worker sent a wrong token");
        }
        return id(frame);
    }

    /**
     * The handshake line's fields (see the class comment for the format). {@code first} and
     * {@code second} are where the channel is: two pipes, or the socket and "".
     */
    public record HandshakeLine(String transport, String first, String second, long number, String tokenHex,
            long maxResultBytes, String warmUpHex) {
        public static final String PIPES = "pipes";
        public static final String SOCKET = "socket";
        private static final int FIELDS = 7;

        /** The line for worker {@code number}, with the token in hex. */
        public static HandshakeLine of(String transport, String first, String second, long number, byte[] token,
                long maxResultBytes, String warmUpHex) {
            return new HandshakeLine(transport, first, second, number, HexFormat.of().formatHex(token),
                    maxResultBytes, warmUpHex);
        }

        /** The line as written to the worker's stdin, without its {@code \n}. */
        public String format() {
            return transport + "\t" + first + "\t" + second + "\t" + number + "\t" + tokenHex + "\t"
                    + maxResultBytes + "\t" + warmUpHex;
        }

        /** The fields of {@code line}; IllegalArgumentException saying what is wrong if it is no handshake line. */
        public static HandshakeLine parse(String line) {
            String[] f = line.split("\t", -1);
            if (f.length != FIELDS || !(PIPES.equals(f[0]) || SOCKET.equals(f[0]))) {
                throw new IllegalArgumentException("bad handshake: " + f.length + " fields where " + FIELDS
                        + " are expected, first \"pipes\" or \"socket\" (a worker is started by ProcessPool,"
                        + " not by hand)");
            }
            try {
                return new HandshakeLine(f[0], f[1], f[2], Long.parseLong(f[3]), f[4], Long.parseLong(f[5]), f[6]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad handshake: the worker number or the result limit is no"
                        + " number (" + e.getMessage() + ")", e);
            }
        }

        /** The token's bytes. */
        public byte[] token() {
            return HexFormat.of().parseHex(tokenHex);
        }

        @Override
        public String toString() {
            return "HandshakeLine[" + transport + ", worker " + number + "]"; // never the token
        }
    }

    /** A task's exception as it travels: the object's bytes if it could be encoded, and always its text. */
    public record ErrorEnvelope(String className, String message, String stackTrace, byte[] encoded)
            implements Serializable {
    }
}
