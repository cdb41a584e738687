package io.jpool.internal.process;

import io.jpool.RemoteTaskException;
import io.jpool.internal.codec.JdkCodec;
import io.jpool.internal.codec.Payloads;
import io.jpool.internal.codec.ResultFilter;
import io.jpool.internal.ipc.WorkerProtocol;

import java.io.IOException;
import java.io.ObjectInputFilter;

/**
 * Turns a worker's reply frames into what the caller sees: a result value, or the task's
 * exception, each read under the pool's result filter.
 *
 * <h2>How it works</h2>
 * {@link #replyType} sorts a frame before anything is decoded: a frame too short for a header or
 * of a type a reader does not expect is a {@link CorruptFrame}, and the worker that sent it is
 * killed. A well-formed reply is decoded by {@link #deliver}, which never throws: whatever goes
 * wrong while decoding (a class this JVM cannot load, the filter's refusal, an Error in a
 * {@code readObject}) fails that one task, and the reader goes on. An ERROR frame carries an
 * {@link WorkerProtocol.ErrorEnvelope}: the exception itself if this JVM can read it, else its text
 * as a {@link RemoteTaskException}.
 */
final class ResultDecoder {
    private final ObjectInputFilter resultFilter;

    ResultDecoder(ObjectInputFilter resultFilter) {
        this.resultFilter = resultFilter;
    }

    /**
     * The type of a frame a reader got: {@link WorkerProtocol#RESULT}, {@link WorkerProtocol#ERROR}
     * or {@link WorkerProtocol#SOCKET_WANTED}; CorruptFrame for anything else.
     */
    static byte replyType(byte[] frame) throws CorruptFrame {
        if (frame.length < WorkerProtocol.HEADER) {
            throw new CorruptFrame("a frame of " + frame.length + " bytes, shorter than a header");
        }
        byte type = WorkerProtocol.type(frame);
        if (type != WorkerProtocol.RESULT && type != WorkerProtocol.ERROR && type != WorkerProtocol.SOCKET_WANTED) {
            throw new CorruptFrame("a frame of unknown type " + type);
        }
        return type;
    }

    /** Completes {@code t} with the RESULT or fails it with the ERROR in {@code frame} (and its {@code tail}). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void deliver(ProcessTask t, byte type, byte[] frame, byte[] tail) {
        if (type == WorkerProtocol.ERROR) {
            t.fail(decodeError(frame));
            return;
        }
        Object value;
        try {
            value = Payloads.readValue(frame, WorkerProtocol.HEADER, frame.length - WorkerProtocol.HEADER, tail,
                    JdkCodec.INSTANCE, resultFilter);
        } catch (ClassNotFoundException e) {
            t.fail(new IllegalStateException("the result of task #" + t.id + " has a class this JVM cannot load: "
                    + e.getMessage(), e));
            return;
        } catch (IOException | RuntimeException e) { // a limit or the allow-list refused it, or bad bytes
            t.fail(ResultFilter.failure("the result of task #" + t.id, e));
            return;
        } catch (Throwable e) {
            // an Error too (in a readObject, or out of memory): this task fails, the reader goes on
            t.fail(new IllegalStateException("the result of task #" + t.id + " could not be read: " + e, e));
            return;
        }
        t.complete(value);
    }

    /** The task's exception from its envelope: the object itself if this JVM can read it, else its text. */
    Throwable decodeError(byte[] frame) {
        WorkerProtocol.ErrorEnvelope env;
        try {
            env = (WorkerProtocol.ErrorEnvelope) JdkCodec.INSTANCE.decode(frame, WorkerProtocol.HEADER,
                    frame.length - WorkerProtocol.HEADER, resultFilter);
        } catch (Throwable e) {
            return new IllegalStateException("a worker's error report could not be read: " + e, e);
        }
        if (env.encoded() != null) {
            try {
                Object o = JdkCodec.INSTANCE.decode(env.encoded(), 0, env.encoded().length, resultFilter);
                if (o instanceof Throwable) {
                    return (Throwable) o;
                }
            } catch (Throwable e) {
                // an Error too (in its readObject): fall through to the text form
            }
        }
        return new RemoteTaskException(env.className(), env.message(), env.stackTrace());
    }
}
