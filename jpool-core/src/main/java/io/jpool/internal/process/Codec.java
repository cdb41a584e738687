package io.jpool.internal.process;

import java.io.IOException;
import java.io.ObjectInputFilter;

/**
 * How tasks, results and exceptions are turned into bytes between the caller and its workers:
 * the seam where a faster codec can plug in. {@link JdkCodec} (Java serialization, which handles
 * serializable lambdas) is the default.
 */
public interface Codec {

    /** The bytes of {@code value}; {@link java.io.NotSerializableException} names what cannot be written. */
    byte[] encode(Object value) throws IOException;

    /** The object read from {@code bytes}, every class checked by {@code filter} (null: none). */
    Object decode(byte[] bytes, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException;
}
