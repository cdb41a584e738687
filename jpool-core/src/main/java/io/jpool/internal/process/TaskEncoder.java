package io.jpool.internal.process;

import io.jpool.RunnableTask;
import io.jpool.Task;
import io.jpool.internal.codec.Blocks;
import io.jpool.internal.codec.JdkCodec;
import io.jpool.internal.codec.Payloads;
import io.jpool.internal.pool.ItemFailure;
import io.jpool.internal.pool.MapChunk;

import java.io.IOException;
import java.io.NotSerializableException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Encodes what a caller hands the process pool, on the caller's thread, so that what cannot
 * travel to a worker fails there with a message naming it ({@link SendErrors}).
 *
 * <p>How it works: a task is encoded once, whole. A map chunk travels as one CHUNK frame; its
 * function is encoded once per map ({@link #function} keeps the latest) and sent to each worker
 * once ({@link MapFunction}). If some of a chunk's items cannot be encoded, each of those is
 * replaced by an {@link ItemFailure} saying why, which the worker hands back as that item's
 * result: only those items fail, each with its own index.
 */
final class TaskEncoder {
    /**
     * The latest map's function and its bytes, written by submitting threads without a lock: a
     * race costs one more encoding of a function (under a new id), never a wrong one.
     */
    private volatile MapFunction lastFunction;
    private final AtomicLong functionIds = new AtomicLong();

    /** A map chunk as it is sent: the chunk (its unsendable items failed, if any) and its items' bytes. */
    record EncodedChunk(MapChunk<?, ?> chunk, Blocks payload) {
    }

    /** The pool's initializer's bytes, sent to each worker as it starts. */
    static byte[] initializer(RunnableTask initializer) {
        return encode(() -> Payloads.function(initializer, JdkCodec.INSTANCE), "initializer", initializer);
    }

    /** A plain task's bytes. */
    static Blocks task(Task<?> task) {
        return encode(() -> Payloads.task(task, JdkCodec.INSTANCE), "task", task);
    }

    /** {@code chunk}'s items' bytes, each item that cannot be encoded replaced by its failure. */
    static EncodedChunk chunk(MapChunk<?, ?> chunk) {
        try {
            return new EncodedChunk(chunk, encode(() -> Payloads.chunkItems(chunk, JdkCodec.INSTANCE), "map item",
                    chunk));
        } catch (IllegalArgumentException e) {
            MapChunk<?, ?> sent = withUnsendableItemsFailed(chunk, e);
            return new EncodedChunk(sent, encode(() -> Payloads.chunkItems(sent, JdkCodec.INSTANCE), "map item",
                    sent));
        }
    }

    /** The chunk with each item that cannot be encoded replaced by its failure; {@code e} if all can. */
    private static MapChunk<?, ?> withUnsendableItemsFailed(MapChunk<?, ?> chunk, IllegalArgumentException e) {
        Object[] items = chunk.items().clone();
        boolean any = false;
        for (int i = 0; i < items.length; i++) {
            Object item = items[i];
            try {
                JdkCodec.INSTANCE.encode(item);
            } catch (IOException | RuntimeException itemError) {
                // its text only: the exception's cause may hold the item itself
                items[i] = new ItemFailure(new IllegalArgumentException(
                        itemError instanceof NotSerializableException
                                ? SendErrors.mapItem(chunk.firstIndex() + i, item)
                                : "map item " + (chunk.firstIndex() + i) + " cannot be sent to a worker process: "
                                        + itemError));
                any = true;
            }
        }
        if (!any) {
            throw e; // the items travel alone but not together: nothing to single out
        }
        return new MapChunk<>(chunk.function(), items, chunk.firstIndex());
    }

    /** The map function {@code fn} as it travels: the latest one again, or {@code fn} newly encoded. */
    MapFunction function(Object fn) {
        MapFunction last = lastFunction;
        if (last == null || last.function != fn) {
            last = new MapFunction(fn, functionIds.incrementAndGet(),
                    encode(() -> Payloads.function(fn, JdkCodec.INSTANCE), "map function", fn));
            lastFunction = last;
        }
        return last;
    }

    /** Something that encodes. */
    private interface Encoding<B> {
        B run() throws IOException;
    }

    private static <B> B encode(Encoding<B> encoding, String what, Object subject) {
        try {
            return encoding.run();
        } catch (NotSerializableException e) {
            throw subject instanceof MapChunk ? SendErrors.unsendableItem((MapChunk<?, ?>) subject, e)
                    : SendErrors.unsendable(what, subject, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the " + what + " cannot be serialized for a worker process: " + e, e);
        }
    }
}
