package io.jpool.internal.codec;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An output stream that keeps what is written in a list of growing blocks, never copying a block
 * once written; the frame writer then sends the blocks with one gathering write. Written once by
 * one thread, then only read ({@link #buffers()} gives fresh views each time, so a retried task's
 * bytes can be sent again).
 */
public final class Blocks extends OutputStream {
    private static final int FIRST = 512;
    private static final int LARGEST = 1 << 20;

    /** Finished segments: filled blocks and appended arrays, as views. */
    private final List<ByteBuffer> full = new ArrayList<>(2);
    private byte[] current;
    private int position;
    private long size;
    /** The array appended last, while nothing has been written after it; else null. */
    private byte[] trailing;

    Blocks() {
        this(FIRST);
    }

    public Blocks(int expected) {
        current = new byte[Math.max(16, expected)];
    }

    @Override
    public void write(int b) {
        trailing = null;
        if (position == current.length) {
            nextBlock(1);
        }
        current[position++] = (byte) b;
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        trailing = len > 0 ? null : trailing;
        while (len > 0) {
            if (position == current.length) {
                nextBlock(len);
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(b, off, current, position, n);
            position += n;
            off += n;
            len -= n;
            size += n;
        }
    }

    public void writeInt(int v) {
        write(v >>> 24);
        write(v >>> 16);
        write(v >>> 8);
        write(v);
    }

    private void nextBlock(int wanted) {
        full.add(ByteBuffer.wrap(current, 0, position));
        current = new byte[Math.min(LARGEST, Math.max(wanted, current.length * 2))];
        position = 0;
    }

    /** Adds {@code array} as the next bytes without copying it; it must not change afterwards. */
    public void append(byte[] array) {
        closeCurrent();
        full.add(ByteBuffer.wrap(array));
        size += array.length;
        trailing = array;
    }

    /** Adds everything written to {@code other} (which must not change afterwards), without copying. */
    public void append(Blocks other) {
        closeCurrent();
        for (ByteBuffer b : other.buffers()) {
            full.add(b);
        }
        size += other.size;
        trailing = other.trailing;
    }

    /**
     * The array given to {@link #append(byte[])} last if nothing was written after it (so it ends
     * these bytes), else null. A frame sends it as its tail: see {@link #head()}.
     */
    public byte[] trailing() {
        return trailing;
    }

    /** Views of the bytes before {@link #trailing()} (all of them if there is none). */
    public ByteBuffer[] head() {
        ByteBuffer[] all = buffers();
        if (trailing == null) {
            return all;
        }
        int n = all.length;
        while (n > 0 && !all[n - 1].hasRemaining()) {
            n--; // empty views of blocks opened after the array
        }
        ByteBuffer last = all[n - 1];
        if (last.array() != trailing || last.remaining() != trailing.length) {
            throw new IllegalStateException("the trailing array is not the last bytes");
        }
        return java.util.Arrays.copyOf(all, n - 1);
    }

    private void closeCurrent() {
        if (position > 0) {
            full.add(ByteBuffer.wrap(current, 0, position));
            current = new byte[FIRST];
            position = 0;
        }
    }

    /** Writes the bytes to {@code out}. */
    public void writeTo(OutputStream out) throws java.io.IOException {
        for (ByteBuffer b : buffers()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
    }

    public long size() {
        return size;
    }

    /** Views of the written bytes, in order. */
    public ByteBuffer[] buffers() {
        ByteBuffer[] out = new ByteBuffer[full.size() + 1];
        for (int i = 0; i < full.size(); i++) {
            out[i] = full.get(i).duplicate();
        }
        out[full.size()] = ByteBuffer.wrap(current, 0, position);
        return out;
    }

    /** The bytes as one array (a copy). */
    public byte[] toArray() {
        byte[] out = new byte[(int) size];
        int at = 0;
        for (ByteBuffer b : buffers()) {
            int n = b.remaining();
            b.get(out, at, n);
            at += n;
        }
        return out;
    }
}
