package io.jpool.internal.process;

import java.nio.ByteBuffer;

/**
 * A map's function as it travels: encoded once per map, and sent to each worker once. A CHUNK
 * frame starts with the part {@link #part} gives: {@code [long id][int n][n bytes of the function]}
 * the first time a worker gets a chunk of this function in a row, {@code [long id][int 0]} after,
 * when the worker runs the function it last got with that id (see {@code WorkerLink.enqueue}).
 */
final class MapFunction {
    /** The function object itself, to know the next map's function from this one. */
    final Object function;
    final long id;
    /** The part with the function's bytes. */
    private final byte[] full;
    /** The part that names the function only. */
    private final byte[] reference;

    MapFunction(Object function, long id, byte[] bytes) {
        this.function = function;
        this.id = id;
        this.full = ByteBuffer.allocate(12 + bytes.length).putLong(id).putInt(bytes.length).put(bytes).array();
        this.reference = ByteBuffer.allocate(12).putLong(id).putInt(0).array();
    }

    /** A fresh view of the frame part: with the function's bytes, or naming it only. */
    ByteBuffer part(boolean withBytes) {
        return ByteBuffer.wrap(withBytes ? full : reference);
    }

    /** The bytes of the part with the function's bytes. */
    int fullSize() {
        return full.length;
    }
}
