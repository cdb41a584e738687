package io.jpool.internal.codec;

import io.jpool.internal.pool.MapChunk;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bodies of TASK, CHUNK and RESULT frames, and the shortcuts that keep Java serialization off
 * the hot path.
 * <pre>
 *  TASK   [flags][task object]                      flags: 1 = stateless, the worker may reuse it
 *  CHUNK  [long f][int n][function object, n bytes][items value]   n = 0: the function f sent before
 *  object [form][bytes]                             form: 2 = a lambda by {@link Lambdas}, 0 = {@link Codec}
 *  value  [codec][bytes]                            codec: 1 = {@link ValueCodec}, 0 = {@link Codec}
 * </pre>
 * A lambda task or function whose captured values are simple travels by {@link Lambdas}, so a
 * fresh worker runs its first task without reading an object stream (a large part of its start-up).
 * A task whose class has no instance fields (a lambda that captures nothing, say) always encodes
 * to the same bytes: they are made once per class here, and the worker decodes them once and
 * reuses the object. A map's function is encoded once per map, sent to a worker with its first
 * chunk of that map only (its id {@code f} then names it), and decoded once per worker.
 */
public final class Payloads {
    public static final byte FAST = 1;
    public static final byte JDK = 0;
    public static final byte LAMBDA = 2;
    public static final byte STATELESS = 1;

    private static final ClassValue<AtomicReference<Blocks>> STATELESS_BYTES = new ClassValue<>() {
        @Override
        protected AtomicReference<Blocks> computeValue(Class<?> type) {
            return hasNoState(type) ? new AtomicReference<>() : null;
        }
    };

    private Payloads() {
    }

    /** The TASK body for {@code task}; throws NotSerializableException naming what cannot travel. */
    public static Blocks task(Object task, Codec codec) throws IOException {
        AtomicReference<Blocks> cached = STATELESS_BYTES.get(task.getClass());
        if (cached != null) {
            Blocks b = cached.get();
            if (b == null) {
                b = encode(STATELESS, task, codec);
                cached.set(b);
            }
            return b;
        }
        return encode((byte) 0, task, codec);
    }

    /**
     * The items of a CHUNK body; the function's part goes before them, made by the caller once per
     * map ({@code process.MapFunction}).
     */
    public static Blocks chunkItems(MapChunk<?, ?> chunk, Codec codec) throws IOException {
        Blocks out = new Blocks(16 + 8 * chunk.size());
        writeValue(chunk.items(), codec, out);
        return out;
    }

    /** A value's bytes: the fast codec when it can, else Java serialization. */
    public static Blocks value(Object v, Codec codec) throws IOException {
        // a large byte[] is appended, not copied: its head needs a few bytes only (sizing the
        // buffer by the array would allocate and zero a second megabyte per megabyte result)
        Blocks out = new Blocks(!(v instanceof byte[]) ? 512
                : ((byte[]) v).length < JdkCodec.BLOB_MIN ? ((byte[]) v).length + 6 : 64);
        writeValue(v, codec, out);
        return out;
    }

    /**
     * Appends the value as {@link #value} would write it and returns true, when the fast codec takes
     * it and it is no large {@code byte[]} (which travels as a frame's tail); else leaves {@code out}
     * as it was and returns false. A small result is then written with its frame's header in one
     * array, with no block list.
     */
    public static boolean writeFastValue(Object v, ByteWriter out) {
        if (v instanceof byte[] && ((byte[]) v).length >= JdkCodec.BLOB_MIN) {
            return false;
        }
        int start = out.size();
        out.write(FAST);
        if (ValueCodec.encodeInto(out, v)) {
            return true;
        }
        out.truncate(start);
        return false;
    }

    private static void writeValue(Object v, Codec codec, Blocks out) throws IOException {
        if (v instanceof byte[] && ((byte[]) v).length >= JdkCodec.BLOB_MIN) {
            out.write(FAST);          // a large byte[] result: its tag and length, then the array itself
            ValueCodec.writeBytesHeader(out, ((byte[]) v).length);
            out.append((byte[]) v);
            return;
        }
        byte[] fast = ValueCodec.encode(v, FAST);
        if (fast != null) {
            out.write(fast);
        } else {
            out.write(JDK);
            codec.encode(v, out);
        }
    }

    /** The value in {@code b}, followed by its frame's {@code tail} (or null): see {@link Codec}. */
    public static Object readValue(byte[] b, int offset, int length, byte[] tail, Codec codec, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        if (b[offset] == FAST) {
            return ValueCodec.decode(b, offset + 1, length - 1, tail);
        }
        return codec.decode(b, offset + 1, length - 1, tail, filter);
    }

    /** {@code flag} then the object ({@link #writeObject}). */
    private static Blocks encode(byte flag, Object value, Codec codec) throws IOException {
        Blocks out = new Blocks();
        out.write(flag);
        writeObject(value, codec, out);
        return out;
    }

    /** A task or function as {@code [form][bytes]}: by {@link Lambdas} if it can, else by the codec. */
    public static void writeObject(Object value, Codec codec, Blocks out) throws IOException {
        byte[] lambda = Lambdas.encode(value);
        if (lambda != null) {
            out.write(LAMBDA);
            out.write(lambda, 0, lambda.length);
        } else {
            out.write(JDK);
            codec.encode(value, out);
        }
    }

    /** A map's function as {@link #writeObject} writes it, in one array (sent with every chunk). */
    public static byte[] function(Object fn, Codec codec) throws IOException {
        Blocks out = new Blocks();
        writeObject(fn, codec, out);
        return out.toArray();
    }

    /** The object {@link #writeObject} wrote in {@code length} bytes at {@code offset}. */
    public static Object readObject(byte[] b, int offset, int length, byte[] tail, Codec codec)
            throws IOException, ClassNotFoundException {
        if (length < 1) {
            throw new java.io.InvalidObjectException("empty object");
        }
        if (b[offset] == LAMBDA) {
            if (tail != null) {
                throw new java.io.InvalidObjectException("a frame tail after a lambda, which has no large array");
            }
            return Lambdas.decode(b, offset + 1, length - 1);
        }
        return codec.decode(b, offset + 1, length - 1, tail, null);
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
