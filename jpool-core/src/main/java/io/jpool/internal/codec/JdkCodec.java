package io.jpool.internal.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Codec} by Java serialization, with large {@code byte[]}s carried beside the object
 * stream as raw bytes: {@code [int n][object stream, n bytes][blob][blob]...}. A {@code byte[]} of
 * {@value #BLOB_MIN} bytes or more is replaced in the stream by a {@link BlobRef} and its bytes
 * follow the stream untouched (written without a copy when the target is {@link Blocks}), so a
 * 1 MiB argument skips the object stream's block-data chunking on both sides; when the last blob
 * ends its frame it is sent as the frame's tail and read straight into its final array. Classes resolve
 * through the thread's context class loader first.
 */
public final class JdkCodec implements Codec {
    public static final JdkCodec INSTANCE = new JdkCodec();
    public static final int BLOB_MIN = 16 * 1024;

    private JdkCodec() {
    }

    @Override
    public void encode(Object value, OutputStream to) throws IOException {
        Blocks stream = new Blocks();
        List<byte[]> blobs = new ArrayList<>(0);
        try (BlobOutput out = new BlobOutput(stream, blobs)) {
            out.writeObject(value);
        }
        writeInt(to, (int) stream.size());
        if (to instanceof Blocks) {
            ((Blocks) to).append(stream);
            for (byte[] b : blobs) {
                ((Blocks) to).append(b);
            }
        } else {
            stream.writeTo(to);
            for (byte[] b : blobs) {
                to.write(b);
            }
        }
    }

    private static void writeInt(OutputStream to, int v) throws IOException {
        to.write(v >>> 24);
        to.write(v >>> 16);
        to.write(v >>> 8);
        to.write(v);
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length, byte[] tail, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        if (length < 4) {
            throw new InvalidObjectException("truncated value: " + length + " bytes");
        }
        int n = ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8) | (bytes[offset + 3] & 0xff);
        if (n < 0 || n > length - 4) {
            throw new InvalidObjectException("bad object stream length " + n);
        }
        try (BlobInput in = new BlobInput(bytes, offset + 4, n, offset + 4 + n, offset + length, tail)) {
            if (filter instanceof ResultFilter) {
                in.check = ((ResultFilter) filter).forStream(n); // limits that need the stream's length and state
                in.setObjectInputFilter(in.check);
            } else if (filter != null) {
                in.setObjectInputFilter(filter);
            }
            Object value = in.readObject();
            if (in.tail != null) {
                throw new InvalidObjectException("a tail of " + tail.length + " bytes that no blob of the value claims");
            }
            return value;
        }
    }

    /** Stands in the object stream for a large byte[] whose bytes follow the stream. */
    public static final class BlobRef implements Serializable {
        private static final long serialVersionUID = 1L;
        final int length;

        BlobRef(int length) {
            this.length = length;
        }
    }

    private static final class BlobOutput extends ObjectOutputStream {
        private final List<byte[]> blobs;

        BlobOutput(OutputStream out, List<byte[]> blobs) throws IOException {
            super(out);
            this.blobs = blobs;
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (obj instanceof byte[] && ((byte[]) obj).length >= BLOB_MIN) {
                blobs.add((byte[]) obj);
                return new BlobRef(((byte[]) obj).length);
            }
            return obj;
        }
    }

    private static final class BlobInput extends ObjectInputStream {
        private final byte[] bytes;
        private int blobCursor;
        private final int end;
        /** The last blob, read by the frame into an array of its own; null once claimed. */
        private byte[] tail;
        /** The stream's decode limits, told of each object read; null for none. */
        private ResultFilter.Check check;

        BlobInput(byte[] bytes, int streamOffset, int streamLength, int blobsOffset, int end, byte[] tail)
                throws IOException {
            super(new ByteArrayInputStream(bytes, streamOffset, streamLength));
            this.bytes = bytes;
            this.blobCursor = blobsOffset;
            this.end = end;
            this.tail = tail;
            enableResolveObject(true);
        }

        @Override
        protected Object resolveObject(Object obj) throws IOException {
            if (check != null) {
                check.resolved(obj);
            }
            if (obj instanceof BlobRef) {
                int n = ((BlobRef) obj).length;
                if (check != null) {
                    check.blobRead(n); // the filter sees the array that replaces the stand-in
                }
                if (tail != null && blobCursor == end && n == tail.length) {
                    byte[] b = tail; // the frame's tail is this blob: no copy
                    tail = null;
                    return b;
                }
                if (n < 0 || n > end - blobCursor) {
                    throw new InvalidObjectException("blob of " + n + " bytes past the end of the value");
                }
                byte[] b = new byte[n];
                System.arraycopy(bytes, blobCursor, b, 0, n);
                blobCursor += n;
                return b;
            }
            return obj;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // fall back to the default resolution (primitives, the latest user-defined loader)
                }
            }
            return super.resolveClass(desc);
        }
    }
}
