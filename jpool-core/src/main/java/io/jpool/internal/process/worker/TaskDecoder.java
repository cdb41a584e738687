package io.jpool.internal.process.worker;

import io.jpool.Task;
import io.jpool.TaskFunction;
import io.jpool.internal.codec.DecodeCache;
import io.jpool.internal.codec.JdkCodec;
import io.jpool.internal.codec.Payloads;
import io.jpool.internal.ipc.FrameChannel;
import io.jpool.internal.ipc.WorkerProtocol;
import io.jpool.internal.pool.MapChunk;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Makes a runnable task of a TASK or CHUNK frame, on the worker's main thread.
 *
 * <p>How it works: a stateless task's bytes are decoded once and the object reused
 * ({@link DecodeCache}). A map's function travels in the first chunk a worker gets of it; the
 * decoder keeps the latest function and its id, so later chunks, which only name it, run it
 * again, and fail as the first did if it could not be decoded.
 */
final class TaskDecoder {
    private final FrameChannel channel;
    private final DecodeCache cache = new DecodeCache();
    /** The map function the latest chunk brought, and its id (0: none); see {@link #chunk}. */
    @SuppressWarnings("rawtypes")
    private TaskFunction function;
    private long functionId;
    /** Why the latest function could not be decoded, or null. */
    private Throwable functionFailure;

    /** {@code channel}: where the frames come from, and where a large frame's tail waits. */
    TaskDecoder(FrameChannel channel) {
        this.channel = channel;
    }

    /** A TASK body: {@code [flags][task object]}; a stateless task is decoded once and reused. */
    Task<?> task(byte[] frame) throws IOException, ClassNotFoundException {
        int offset = WorkerProtocol.HEADER + 1;
        int length = frame.length - offset;
        byte[] tail = channel.tail();
        boolean stateless = frame[WorkerProtocol.HEADER] == Payloads.STATELESS && tail == null;
        Object task = stateless ? cache.get(frame, offset, length) : null;
        if (task == null) {
            task = Payloads.readObject(frame, offset, length, tail, JdkCodec.INSTANCE);
            if (stateless) {
                cache.put(frame, offset, length, task);
            }
        }
        return (Task<?>) task;
    }

    /**
     * A CHUNK body: {@code [long f][int n][function, n bytes][items]}. A chunk with {@code n > 0}
     * brings function {@code f} (each distinct function's bytes are decoded once); one with
     * {@code n == 0} runs the function this worker got last, which the caller sends only when it is
     * {@code f} (its frames arrive in order, and a worker dies with its channel).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Task<?> chunk(byte[] frame) throws Throwable {
        ByteBuffer body = ByteBuffer.wrap(frame);
        long id = body.getLong(WorkerProtocol.HEADER);
        int fnLength = body.getInt(WorkerProtocol.HEADER + 8);
        int fnOffset = WorkerProtocol.HEADER + 12;
        if (fnLength > 0) {
            functionId = id;
            function = null;
            functionFailure = null;
            try {
                Object fn = cache.get(frame, fnOffset, fnLength);
                if (fn == null) {
                    fn = Payloads.readObject(frame, fnOffset, fnLength, null, JdkCodec.INSTANCE);
                    cache.put(frame, fnOffset, fnLength, fn);
                }
                function = (TaskFunction) fn;
            } catch (Throwable e) {
                functionFailure = e; // the map's later chunks here fail as this one does
                throw e;
            }
        } else if (id != functionId) {
            throw new IllegalStateException("a map chunk names function #" + id + ", which this worker"
                    + " does not hold (it holds #" + functionId + "): the pool broke its protocol");
        } else if (functionFailure != null) {
            throw functionFailure;
        }
        int itemsOffset = fnOffset + fnLength;
        Object[] items = (Object[]) Payloads.readValue(frame, itemsOffset, frame.length - itemsOffset,
                channel.tail(), JdkCodec.INSTANCE, null);
        return new MapChunk(function, items);
    }
}
