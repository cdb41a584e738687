package io.jpool.internal.manager;

import io.jpool.internal.codec.ByteWriter;
import io.jpool.internal.codec.ValueCodec;
import io.jpool.internal.codec.ValueFilter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of the manager's messages ({@link Wire.Request}, {@link Wire.Cancel},
 * {@link Wire.Response}) and of the values they carry.
 *
 * <h2>How it works</h2>
 * A frame is a tag byte and the message's fields, written directly (big-endian):
 * <pre>
 *   Request   'Q' id:long threadId:long kind:byte op:byte name:str argc:int value*argc   (argc -1: null args)
 *   Cancel    'C' id:long
 *   Ack       'A' id:long
 *   Response  'R' id:long ok:byte(0|1) value
 *
 *   str       length:int (-1: null) wide:byte chars   (wide 0: one byte a char, all below 256; 1: two bytes a char)
 *   value     'v' length:int bytes   a {@link ValueCodec} value (null, boxed primitives, String, byte[], Object[] of those)
 *           | 'j' length:int bytes   anything else: JDK serialization of that one object
 * </pre>
 * where {@code kind} and {@code op} are the {@link Kind}'s and the {@link Op}'s ordinals. A request
 * with codes this JVM does not know is read to its end (its values skipped, not decoded) and
 * throws {@link Wire.UnknownOperation}, which fails only that call. The common operation (a
 * counter increment, a map put of strings and numbers) costs no Java serialization at all, and a
 * value the codec does not know pays for one stream of its own, read
 * back under an {@link ObjectInputFilter} with limits on depth, size and references and with
 * classes resolved through the thread's context class loader first. Strings holding an unpaired
 * surrogate go through JDK serialization, which keeps them exactly (the codec's UTF-8 would not).
 * Every length is checked against the bytes present and a frame must end where its message ends,
 * so any bad frame throws an {@link IOException} (a {@link StreamCorruptedException}), never an
 * unchecked exception.
 */
final class WireFormat {
    private static final ObjectInputFilter LIMITS = ValueFilter.LIMITS;

    private static final byte REQUEST = 'Q';
    private static final byte CANCEL = 'C';
    private static final byte ACK = 'A';
    private static final byte RESPONSE = 'R';
    private static final byte CODEC_VALUE = 'v';
    private static final byte JAVA_VALUE = 'j';
    /** As deep as {@link ValueCodec} nests Object[]: deeper ones go to JDK serialization anyway. */
    private static final int MAX_SCAN_DEPTH = 16;

    private WireFormat() {
    }

    /** A message's frame; IllegalArgumentException if a value in it cannot be serialized. */
    static byte[] encode(Object message) {
        ByteWriter out = new ByteWriter(128);
        if (message instanceof Wire.Request) {
            Wire.Request r = (Wire.Request) message;
            out.write(REQUEST);
            out.writeLong(r.id());
            out.writeLong(r.threadId());
            out.write(r.op().kind().ordinal());
            out.write(r.op().ordinal());
            writeString(out, r.name());
            Object[] args = r.args();
            out.writeInt(args == null ? -1 : args.length);
            if (args != null) {
                for (Object a : args) {
                    writeValue(out, a);
                }
            }
        } else if (message instanceof Wire.Response) {
            Wire.Response r = (Wire.Response) message;
            out.write(RESPONSE);
            out.writeLong(r.id());
            out.write(r.ok() ? 1 : 0);
            writeValue(out, r.value());
        } else if (message instanceof Wire.Cancel) {
            out.write(CANCEL);
            out.writeLong(((Wire.Cancel) message).id());
        } else if (message instanceof Wire.Ack) {
            out.write(ACK);
            out.writeLong(((Wire.Ack) message).id());
        } else {
            throw new IllegalArgumentException("not a manager message: "
                    + (message == null ? "null" : message.getClass().getName()));
        }
        return out.toByteArray();
    }

    /** The message in {@code frame}; IOException if the frame is not a whole, well-formed one. */
    static Object decode(byte[] frame) throws IOException, ClassNotFoundException {
        return decode(frame, LIMITS);
    }

    /**
     * The message in {@code frame}, its JDK-serialized values read under {@code filter}. A
     * well-framed request or response with a value that cannot be read (any Throwable while
     * reading it: a refused or missing class, an Error in its readObject, no memory for it)
     * throws {@link Wire.UnreadableValue} naming the message, so that only that call fails.
     */
    static Object decode(byte[] frame, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        In in = new In(frame);
        Object message;
        byte tag = in.readByte();
        switch (tag) {
            case REQUEST: {
                long id = in.readLong();
                long threadId = in.readLong();
                int kindCode = in.readByte() & 0xff;
                int opCode = in.readByte() & 0xff;
                String name = in.readString();
                int argc = in.readInt();
                if (argc < -1 || argc > in.remaining()) {
                    throw new StreamCorruptedException("bad manager frame: " + argc + " arguments in " + in.remaining() + " bytes");
                }
                Kind kind = Kind.ofCode(kindCode);
                Op op = kind == null ? null : kind.op(opCode);
                if (op == null) { // no value of a call that cannot run is worth decoding
                    for (int i = 0; i < argc; i++) {
                        in.readByte();
                        in.skip(in.readLength());
                    }
                    checkEnd(in);
                    throw new Wire.UnknownOperation(id, kindCode, opCode);
                }
                Object[] args = argc == -1 ? null : new Object[argc];
                for (int i = 0; i < argc; i++) {
                    args[i] = readValue(in, id, true, filter);
                }
                message = new Wire.Request(id, threadId, op, name, args);
                break;
            }
            case RESPONSE: {
                long id = in.readLong();
                byte ok = in.readByte();
                if (ok != 0 && ok != 1) {
                    throw new StreamCorruptedException("bad manager frame: ok flag " + ok);
                }
                Object value = readValue(in, id, false, filter);
                if (ok == 0 && !(value instanceof Throwable)) {
                    throw new StreamCorruptedException("bad manager frame: a failed response carries "
                            + (value == null ? "null" : value.getClass().getName()) + ", not a Throwable");
                }
                message = new Wire.Response(id, ok == 1, value);
                break;
            }
            case CANCEL:
                message = new Wire.Cancel(in.readLong());
                break;
            case ACK:
                message = new Wire.Ack(in.readLong());
                break;
            default:
                throw new StreamCorruptedException("bad manager frame: unknown message tag " + tag);
        }
        checkEnd(in);
        return message;
    }

    private static void checkEnd(In in) throws StreamCorruptedException {
        if (in.remaining() != 0) {
            throw new StreamCorruptedException("bad manager frame: " + in.remaining() + " bytes after the message");
        }
    }

    /** A deep copy of {@code value} through its encoding: what a remote caller would see. */
    static Object copyValue(Object value) throws IOException, ClassNotFoundException {
        ByteWriter out = new ByteWriter(128);
        writeValue(out, value);
        In in = new In(out.toByteArray());
        Object copy = readValue(in, 0, false, LIMITS);
        if (in.remaining() != 0) {
            throw new StreamCorruptedException("a copied value left " + in.remaining() + " bytes unread");
        }
        return copy;
    }

    private static void writeValue(ByteWriter out, Object v) {
        if (keepsExactly(v, 0)) {
            out.write(CODEC_VALUE);
            int at = out.reserveInt();
            if (ValueCodec.encodeInto(out, v)) {
                out.patchInt(at, out.size() - at - 4);
                return;
            }
            out.truncate(at - 1); // a type the codec does not know: JDK serialization instead
        }
        out.write(JAVA_VALUE);
        int at = out.reserveInt();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) { // closing it flushes into out and leaves out as is
            oos.writeObject(v);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("a value for the manager is not serializable: " + e.getMessage()
                    + " (shared objects hold copies: use Serializable keys, values and functions)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("could not serialize a value for the manager: " + e, e);
        }
        out.patchInt(at, out.size() - at - 4);
    }

    /** False if {@code v} holds a String that the codec's UTF-8 would not bring back as it is. */
    private static boolean keepsExactly(Object v, int depth) {
        if (v instanceof String) {
            return !hasUnpairedSurrogate((String) v);
        }
        if (v != null && v.getClass() == Object[].class && depth < MAX_SCAN_DEPTH) {
            for (Object e : (Object[]) v) {
                if (!keepsExactly(e, depth + 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    /** A value of message {@code id}; a value that is well framed but unreadable throws UnreadableValue. */
    private static Object readValue(In in, long id, boolean request, ObjectInputFilter filter) throws IOException {
        byte kind = in.readByte();
        int length = in.readLength();
        int offset = in.skip(length);
        try {
            return decodeValue(in, kind, offset, length, filter);
        } catch (Throwable t) { // the frame is sound, this one value is not: only its call fails
            throw new Wire.UnreadableValue(id, request, t);
        }
    }

    /** The value in {@code length} bytes at {@code offset}: it reads nothing outside them. */
    private static Object decodeValue(In in, byte kind, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        if (kind == CODEC_VALUE) {
            try {
                return ValueCodec.decode(in.bytes, offset, length);
            } catch (RuntimeException | StackOverflowError e) { // bad bytes; a StackOverflowError from absurd nesting
                throw new StreamCorruptedException("bad manager frame: unreadable value (" + e + ")");
            }
        }
        if (kind == JAVA_VALUE) {
            return deserialize(in.bytes, offset, length, filter);
        }
        throw new StreamCorruptedException("bad manager frame: unknown value kind " + kind);
    }

    private static Object deserialize(byte[] bytes, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        // every element takes at least a byte of the stream, so a longer array is a lie that
        // would only make this JVM allocate for it
        ObjectInputFilter bounded = info -> {
            if (info.arrayLength() > length) {
                throw new IllegalArgumentException("the value declares an array of " + info.arrayLength()
                        + " elements in " + length + " bytes");
            }
            return filter.checkInput(info);
        };
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes, offset, length)) {
            {
                setObjectInputFilter(bounded);
            }

            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                try {
                    return Class.forName(desc.getName(), false, Thread.currentThread().getContextClassLoader());
                } catch (ClassNotFoundException | RuntimeException e) {
                    return super.resolveClass(desc);
                }
            }
        }) {
            return in.readObject();
        } catch (RuntimeException e) { // a garbled stream can fail unchecked deep inside ObjectInputStream
            InvalidObjectException bad = new InvalidObjectException("bad manager frame: unreadable serialized value (" + e + ")");
            bad.initCause(e);
            throw bad;
        }
    }

    /** {@code length:int (-1: null) wide:byte chars}: one byte a char when all are below 256. */
    private static void writeString(ByteWriter out, String s) {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        int n = s.length();
        boolean wide = false;
        for (int i = 0; i < n && !wide; i++) {
            wide = s.charAt(i) > 0xff;
        }
        out.writeInt(n);
        out.write(wide ? 1 : 0);
        if (wide) {
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                out.write(c >>> 8);
                out.write(c);
            }
        } else {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1), 0, n);
        }
    }

    /** A reader over a frame that checks every read against the bytes present. */
    private static final class In {
        final byte[] bytes;
        private int pos;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        int remaining() {
            return bytes.length - pos;
        }

        /** Skips {@code n} bytes and returns where they start. */
        int skip(int n) throws StreamCorruptedException {
            if (n < 0 || n > remaining()) {
                throw new StreamCorruptedException("bad manager frame: " + n + " bytes wanted, " + remaining() + " left (truncated?)");
            }
            int at = pos;
            pos += n;
            return at;
        }

        byte readByte() throws StreamCorruptedException {
            return bytes[skip(1)];
        }

        int readInt() throws StreamCorruptedException {
            int at = skip(4);
            return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 | (bytes[at + 3] & 0xff);
        }

        long readLong() throws StreamCorruptedException {
            return (long) readInt() << 32 | (readInt() & 0xffffffffL);
        }

        /** A length that the frame's remaining bytes can hold. */
        int readLength() throws StreamCorruptedException {
            int n = readInt();
            if (n < 0 || n > remaining()) {
                throw new StreamCorruptedException("bad manager frame: a length of " + n + " with " + remaining() + " bytes left (truncated?)");
            }
            return n;
        }

        String readString() throws StreamCorruptedException {
            int n = readInt();
            if (n == -1) {
                return null;
            }
            byte wide = readByte();
            if (n < 0 || wide < 0 || wide > 1) {
                throw new StreamCorruptedException("bad manager frame: a string of " + n + " chars, coding " + wide);
            }
            if (wide == 0) {
                return new String(bytes, skip(n), n, StandardCharsets.ISO_8859_1);
            }
            if (n > remaining() / 2) {
                throw new StreamCorruptedException("bad manager frame: a string of " + n + " chars with " + remaining() + " bytes left (truncated?)");
            }
            int at = skip(2 * n);
            char[] chars = new char[n];
            for (int i = 0; i < n; i++) {
                chars[i] = (char) ((bytes[at + 2 * i] & 0xff) << 8 | (bytes[at + 2 * i + 1] & 0xff));
            }
            return new String(chars);
        }
    }
}
