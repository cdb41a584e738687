package io.jpool.internal.manager;

import io.jpool.internal.ipc.FrameChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * How the manager's messages and values are encoded: JDK serialization, read back under an
 * {@link ObjectInputFilter} with limits on depth, size and references.
 */
final class Wire {
    private static final ObjectInputFilter LIMITS =
            ObjectInputFilter.Config.createFilter("maxdepth=200;maxrefs=5000000;maxbytes=" + FrameChannel.MAX_FRAME);

    private Wire() {
    }

    static byte[] encode(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("a value for the manager is not serializable: " + e.getMessage()
                    + " (shared objects hold copies: use Serializable keys, values and functions)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("could not serialize a value for the manager: " + e, e);
        }
        return bytes.toByteArray();
    }

    static Object decode(byte[] data) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data)) {
            {
                setObjectInputFilter(LIMITS);
            }

            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                try {
                    return Class.forName(desc.getName(), false, Thread.currentThread().getContextClassLoader());
                } catch (ClassNotFoundException | RuntimeException e) {
                    return super.resolveClass(desc);
                }
            }
        }) {
            return in.readObject();
        }
    }

    /** A deep copy through serialization: what a remote caller would see. */
    @SuppressWarnings("unchecked")
    static <T> T copy(T o) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Character) {
            return o; // immutable: no need to copy
        }
        try {
            return (T) decode(encode(o));
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("could not copy a value for the manager: " + e, e);
        }
    }

    /** Request: caller thread's id (for lock ownership), target object, operation, arguments. */
    record Request(long id, long threadId, String kind, String name, String op, Object[] args) implements Serializable {
    }

    /** A cancel for request {@code id}: its caller was interrupted. */
    record Cancel(long id) implements Serializable {
    }

    /** Response: a value, or the Throwable the operation threw. */
    record Response(long id, boolean ok, Object value) implements Serializable {
    }
}
