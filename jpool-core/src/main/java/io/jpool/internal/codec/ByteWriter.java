package io.jpool.internal.codec;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array for an encoding that ends as one contiguous {@code byte[]}: the value
 * codec's output and the manager's frames (an {@link OutputStream}, so that JDK serialization
 * writes into it directly). Ints and longs are big-endian; a length can be reserved and patched
 * once the bytes it counts are written. One thread writes it, then takes {@link #toByteArray()}.
 * (The process pool's frames use {@link Blocks} instead: they are sent by a gathering write and
 * must not copy large arrays, so they keep a list of blocks rather than one array.)
 */
public final class ByteWriter extends OutputStream {
    private byte[] buf;
    private int size;

    /** A writer with room for {@code capacity} bytes before it grows. */
    public ByteWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int more) {
        if (more > buf.length - size) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    public void writeInt(int v) {
        ensure(4);
        putInt(size, v);
        size += 4;
    }

    public void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    /** Room for an int written later with {@link #patchInt}; returns where it is. */
    public int reserveInt() {
        writeInt(0);
        return size - 4;
    }

    /** Writes {@code v} at {@code at}, a position {@link #reserveInt} returned. */
    public void patchInt(int at, int v) {
        putInt(at, v);
    }

    private void putInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    /** Drops the bytes written after the first {@code newSize} (an encoding that gave up). */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IndexOutOfBoundsException("cannot truncate " + size + " bytes to " + newSize);
        }
        size = newSize;
    }

    /** How many bytes were written. */
    public int size() {
        return size;
    }

    /** A view of the bytes written, over the writer's own array (no copy): valid until the next write. */
    public java.nio.ByteBuffer asBuffer() {
        return java.nio.ByteBuffer.wrap(buf, 0, size);
    }

    /**
     * The bytes written: the writer's own array when it is exactly full, else a copy. Writing
     * after this may change the array returned.
     */
    public byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
}
