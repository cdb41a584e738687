package io.jpool.internal.codec;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.OutputStream;

/**
 * How tasks, results and exceptions are turned into bytes between the caller and its workers:
 * the seam where a faster codec can plug in. {@link JdkCodec} (Java serialization, which handles
 * serializable lambdas) is the default.
 */
public interface Codec {

    /** Writes {@code value} to {@code out}; {@link java.io.NotSerializableException} names what cannot be written. */
    void encode(Object value, OutputStream out) throws IOException;

    /** The bytes of {@code value}. */
    default byte[] encode(Object value) throws IOException {
        ByteWriter out = new ByteWriter(512);
        encode(value, out);
        return out.toByteArray();
    }

    /** The object read from {@code bytes}, every class checked by {@code filter} (null: none). */
    default Object decode(byte[] bytes, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        return decode(bytes, offset, length, null, filter);
    }

    /**
     * The object read from {@code bytes} followed by {@code tail}: the large array that ended the
     * value's frame and arrived as an array of its own (see
     * {@link io.jpool.internal.ipc.FrameChannel#tail()}), or null.
     */
    Object decode(byte[] bytes, int offset, int length, byte[] tail, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException;
}
