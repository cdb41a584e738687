package io.jpool.internal.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A compact encoding for the values most tasks and map chunks carry: null, boxed primitives,
 * {@code String}, {@code byte[]} and plain {@code Object[]} of those. It skips Java
 * serialization's per-stream and per-object overhead (stream header, class descriptors, handles),
 * and sends a {@code byte[]} as raw bytes. Anything else returns {@code null} from {@link #encode}
 * (false from {@link #encodeInto}), and the caller falls back to the {@link Codec}. Decoding
 * creates only these JDK types, so it needs no class filter. The manager
 * ({@code io.jpool.internal.manager.WireFormat}) uses it too, for its arguments and results,
 * writing them straight into its frame's {@link ByteWriter}.
 */
public final class ValueCodec {
    private static final byte NULL = 0;
    private static final byte INT = 1;
    private static final byte LONG = 2;
    private static final byte DOUBLE = 3;
    private static final byte STRING = 4;
    private static final byte TRUE = 5;
    private static final byte FALSE = 6;
    private static final byte BYTES = 7;
    private static final byte ARRAY = 8;
    private static final byte FLOAT = 9;
    private static final byte SHORT = 10;
    private static final byte BYTE = 11;
    private static final byte CHAR = 12;
    private static final int MAX_DEPTH = 16;

    private ValueCodec() {
    }

    /** The value's bytes, or null if it holds a type this codec does not know. */
    public static byte[] encode(Object value) {
        ByteWriter out = new ByteWriter(value instanceof byte[] ? ((byte[]) value).length + 5 : 64);
        return write(out, value, 0) ? out.toByteArray() : null;
    }

    /** {@code prefix} then the value's bytes, or null if it holds a type this codec does not know. */
    public static byte[] encode(Object value, byte prefix) {
        ByteWriter out = new ByteWriter(value instanceof byte[] ? ((byte[]) value).length + 6 : 64);
        out.write(prefix);
        return write(out, value, 0) ? out.toByteArray() : null;
    }

    /**
     * Appends the value's bytes to {@code out} and returns true, or, if it holds a type this codec
     * does not know, leaves {@code out} as it was and returns false.
     */
    public static boolean encodeInto(ByteWriter out, Object value) {
        int start = out.size();
        if (write(out, value, 0)) {
            return true;
        }
        out.truncate(start);
        return false;
    }

    private static boolean write(ByteWriter out, Object v, int depth) {
        if (v == null) {
            out.write(NULL);
        } else if (v instanceof Integer) {
            out.write(INT);
            out.writeInt((Integer) v);
        } else if (v instanceof String) {
            byte[] s = ((String) v).getBytes(StandardCharsets.UTF_8);
            out.write(STRING);
            out.writeInt(s.length);
            out.write(s, 0, s.length);
        } else if (v instanceof Long) {
            out.write(LONG);
            out.writeLong((Long) v);
        } else if (v instanceof Double) {
            out.write(DOUBLE);
            out.writeLong(Double.doubleToRawLongBits((Double) v));
        } else if (v instanceof Boolean) {
            out.write((Boolean) v ? TRUE : FALSE);
        } else if (v.getClass() == byte[].class) {
            byte[] b = (byte[]) v;
            out.write(BYTES);
            out.writeInt(b.length);
            out.write(b, 0, b.length);
        } else if (v.getClass() == Object[].class) {
            if (depth >= MAX_DEPTH) {
                return false;
            }
            Object[] a = (Object[]) v;
            out.write(ARRAY);
            out.writeInt(a.length);
            for (Object e : a) {
                if (!write(out, e, depth + 1)) {
                    return false;
                }
            }
        } else if (v instanceof Float) {
            out.write(FLOAT);
            out.writeInt(Float.floatToRawIntBits((Float) v));
        } else if (v instanceof Short) {
            out.write(SHORT);
            out.writeInt((Short) v);
        } else if (v instanceof Byte) {
            out.write(BYTE);
            out.writeInt((Byte) v);
        } else if (v instanceof Character) {
            out.write(CHAR);
            out.writeInt((Character) v);
        } else {
            return false;
        }
        return true;
    }

    /** Writes the tag and length that precede a {@code byte[]}'s bytes. */
    public static void writeBytesHeader(Blocks out, int length) {
        out.write(BYTES);
        out.writeInt(length);
    }

    /**
     * The value in {@code bytes}; {@code tail}, if not null, is the large {@code byte[]} that the
     * value's frame carried as its own array (only a top-level byte[] travels so).
     */
    public static Object decode(byte[] bytes, int offset, int length, byte[] tail) {
        if (tail != null) {
            if (length != 5 || bytes[offset] != BYTES || ByteBuffer.wrap(bytes, offset + 1, 4).getInt() != tail.length) {
                throw new IllegalArgumentException("a frame tail of " + tail.length + " bytes after a value that is no byte[] of that length");
            }
            return tail;
        }
        return decode(bytes, offset, length);
    }

    /** The value held in {@code length} bytes at {@code offset}; bad bytes throw an unchecked exception. */
    public static Object decode(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        Object v = read(in, 0);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes after a value");
        }
        return v;
    }

    private static Object read(ByteBuffer in, int depth) {
        byte tag = in.get();
        switch (tag) {
            case NULL: return null;
            case INT: return in.getInt();
            case LONG: return in.getLong();
            case DOUBLE: return Double.longBitsToDouble(in.getLong());
            case STRING: {
                int n = in.getInt();
                if (n < 0 || n > in.remaining()) {
                    throw new IllegalArgumentException("bad string length " + n);
                }
                String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
                in.position(in.position() + n);
                return s;
            }
            case TRUE: return Boolean.TRUE;
            case FALSE: return Boolean.FALSE;
            case BYTES: {
                int n = in.getInt();
                if (n < 0 || n > in.remaining()) { // before allocating: a bad length must not cost gigabytes
                    throw new IllegalArgumentException("bad byte[] length " + n);
                }
                byte[] b = new byte[n];
                in.get(b);
                return b;
            }
            case ARRAY: {
                if (depth >= MAX_DEPTH) { // the encoder never nests deeper: a crafted frame must not cost the stack
                    throw new IllegalArgumentException("arrays nested deeper than " + MAX_DEPTH);
                }
                int n = in.getInt();
                if (n < 0 || n > in.remaining()) {
                    throw new IllegalArgumentException("bad array length " + n);
                }
                Object[] a = new Object[n];
                for (int i = 0; i < n; i++) {
                    a[i] = read(in, depth + 1);
                }
                return a;
            }
            case FLOAT: return Float.intBitsToFloat(in.getInt());
            case SHORT: return (short) in.getInt();
            case BYTE: return (byte) in.getInt();
            case CHAR: return (char) in.getInt();
            default: throw new IllegalArgumentException("unknown value tag " + tag);
        }
    }
}
