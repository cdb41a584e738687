package io.jpool.internal.process;

import io.jpool.internal.pool.MapChunk;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bodies of TASK, CHUNK and RESULT frames, and the shortcuts that keep Java serialization off
 * the hot path.
 * <pre>
 *  TASK   [flags][task, Java-serialized]            flags: 1 = stateless, the worker may reuse it
 *  CHUNK  [int n][function, n bytes][items value]   the worker decodes each distinct function once
 *  value  [codec][bytes]                            codec: 1 = {@link ValueCodec}, 0 = {@link Codec}
 * </pre>
 * A task whose class has no instance fields (a lambda that captures nothing, say) always encodes
 * to the same bytes: they are made once per class here, and the worker decodes them once and
 * reuses the object. A map's function is encoded once per map here, and decoded once per worker.
 */
final class Payloads {
    static final byte FAST = 1;
    static final byte JDK = 0;
    static final byte STATELESS = 1;

    private static final ClassValue<AtomicReference<byte[]>> STATELESS_BYTES = new ClassValue<>() {
        @Override
        protected AtomicReference<byte[]> computeValue(Class<?> type) {
            return hasNoState(type) ? new AtomicReference<>() : null;
        }
    };

    private Payloads() {
    }

    /** The TASK body for {@code task}; throws NotSerializableException naming what cannot travel. */
    static byte[] task(Object task, Codec codec) throws IOException {
        AtomicReference<byte[]> cached = STATELESS_BYTES.get(task.getClass());
        if (cached != null) {
            byte[] b = cached.get();
            if (b == null) {
                b = withFlag(STATELESS, codec.encode(task));
                cached.set(b);
            }
            return b;
        }
        return withFlag((byte) 0, codec.encode(task));
    }

    /** The CHUNK body: the function's bytes (made by the caller once per map) and the items. */
    static byte[] chunk(byte[] function, MapChunk<?, ?> chunk, Codec codec) throws IOException {
        byte[] items = value(chunk.items(), codec);
        return ByteBuffer.allocate(4 + function.length + items.length).putInt(function.length).put(function)
                .put(items).array();
    }

    /** A value's bytes: the fast codec when it can, else Java serialization. */
    static byte[] value(Object v, Codec codec) throws IOException {
        byte[] fast = ValueCodec.encode(v);
        return fast != null ? withFlag(FAST, fast) : withFlag(JDK, codec.encode(v));
    }

    static Object readValue(byte[] b, int offset, int length, Codec codec, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        if (b[offset] == FAST) {
            return ValueCodec.decode(b, offset + 1, length - 1);
        }
        return codec.decode(b, offset + 1, length - 1, filter);
    }

    private static byte[] withFlag(byte flag, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = flag;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /** True if no instance of {@code type} can hold state: no instance field in its hierarchy. */
    private static boolean hasNoState(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    return false;
                }
            }
        }
        return true;
    }
}
