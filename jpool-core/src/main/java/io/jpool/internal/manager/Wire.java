package io.jpool.internal.manager;

import java.io.IOException;

/**
 * The manager's messages, and how they and the values they carry become bytes: one compact binary
 * frame per message (see {@link WireFormat}), each value in it written by the process pool's
 * value codec when it can and by JDK serialization of that one value otherwise (read back under
 * an {@code ObjectInputFilter} with limits on depth, size and references).
 */
final class Wire {
    private Wire() {
    }

    /**
     * A message's frame. IllegalArgumentException if a value in it cannot be serialized (the
     * message says "not serializable" and names the class).
     */
    static byte[] encode(Object message) {
        return WireFormat.encode(message);
    }

    /** The message in a frame; IOException if it is not a well-formed one. */
    static Object decode(byte[] frame) throws IOException, ClassNotFoundException {
        return WireFormat.decode(frame);
    }

    /** The same, with JDK-serialized values read under {@code filter} (the manager's allow-list). */
    static Object decode(byte[] frame, java.io.ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return WireFormat.decode(frame, filter);
    }

    /** A deep copy through the values' encoding: what a remote caller would see. */
    @SuppressWarnings("unchecked")
    static <T> T copy(T o) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Character) {
            return o; // immutable: no need to copy
        }
        try {
            return (T) WireFormat.copyValue(o);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("could not copy a value for the manager: " + e, e);
        }
    }

    /** Request: caller thread's id (for lock ownership), operation (its kind too), target object, arguments. */
    record Request(long id, long threadId, Op op, String name, Object[] args) {
    }

    /**
     * Says a non-null element taken for request {@code id} reached its caller: until then the
     * manager keeps it claimed and puts it back at the queue's head if the connection ends.
     */
    record Ack(long id) {
    }

    /** Whether the answer to a call of {@code op} with this outcome must be acknowledged. */
    static boolean needsAck(Op op, boolean ok, Object value) {
        return ok && value != null && op == Op.QueueOp.POLL;
    }

    /**
     * A well-framed request or response one of whose values could not be read (a class refused
     * or missing, an Error in its readObject, no memory for it): only that call fails, the
     * connection goes on.
     */
    static final class UnreadableValue extends IOException {
        private static final long serialVersionUID = 1L;
        final long id;
        final boolean request;

        UnreadableValue(long id, boolean request, Throwable cause) {
            super("could not read a value " + (request ? "sent to" : "sent by") + " the manager: " + describe(cause), cause);
            this.id = id;
            this.request = request;
        }

        private static String describe(Throwable t) {
            String s = t.toString();
            Throwable c = t.getCause();
            return c == null || s.contains(c.toString()) ? s : s + " (" + c + ")";
        }
    }

    /**
     * A well-framed request whose operation code this JVM does not know (a peer of another jpool
     * version, or a hostile one): only that call fails, with this message, and the connection goes on.
     */
    static final class UnknownOperation extends IOException {
        private static final long serialVersionUID = 1L;
        final long id;

        UnknownOperation(long id, int kindCode, int opCode) {
            super(describe(kindCode, opCode) + ": the calling JVM speaks another version of jpool's manager"
                    + " protocol; use the same jpool version in every JVM that shares the manager");
            this.id = id;
        }

        private static String describe(int kindCode, int opCode) {
            Kind kind = Kind.ofCode(kindCode);
            return kind == null ? "no kind of shared object has code " + kindCode
                    : "no operation on a shared " + kind.label() + " has code " + opCode;
        }
    }

    /** A cancel for request {@code id}: its caller was interrupted. */
    record Cancel(long id) {
    }

    /** Response: a value, or the Throwable the operation threw. */
    record Response(long id, boolean ok, Object value) {
    }
}
