package io.jpool.hazelcast;

import com.hazelcast.internal.nio.IOUtil;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;

/**
 * The answer to a {@link BatchCall}: for each of its tasks, in order, a value, an exception,
 * "skipped, it was cancelled" or "handed back unrun"; and the mean run time of those that ran,
 * from which the pool sizes its next batches to that member. Each value or exception travels serialized on its own
 * ({@link Data}), so the caller deserializes them one by one and a value it cannot read fails
 * only its own task.
 */
final class BatchOutcome implements IdentifiedDataSerializable {
    static final byte VALUE = 0;
    static final byte ERROR = 1;
    static final byte CANCELLED = 2;
    /** Handed back unrun: the batch had run past its time budget (see {@link BatchCall#BUDGET_NANOS}). */
    static final byte NOT_RUN = 3;

    private byte[] kinds;
    private Data[] payloads;
    /** Time the member spent running the tasks that ran. */
    private long runNanos;
    private int ran;

    /** For Hazelcast's deserialization. */
    public BatchOutcome() {
    }

    BatchOutcome(int n) {
        kinds = new byte[n];
        payloads = new Data[n];
    }

    void cancelled(int i) {
        kinds[i] = CANCELLED;
    }

    void notRun(int i) {
        kinds[i] = NOT_RUN;
    }

    void ran(long nanos) {
        runNanos += nanos;
        ran++;
    }

    /** The mean run time of the tasks that ran, or -1 if none ran. */
    long meanRunNanos() {
        return ran == 0 ? -1 : runNanos / ran;
    }

    /** Stores task {@code i}'s value or exception; one that cannot be serialized becomes an error saying so. */
    void put(int i, SerializationService ss, Object value, boolean failed) {
        try {
            payloads[i] = ss.toData(value);
            kinds[i] = failed ? ERROR : VALUE;
        } catch (RuntimeException e) {
            String what = failed ? "exception " + value.getClass().getName() : "result of type "
                    + (value == null ? "null" : value.getClass().getName());
            payloads[i] = ss.toData(new IllegalStateException("the task's " + what
                    + " cannot be serialized on its member (" + e.getMessage()
                    + "); return only serializable values from cluster tasks"));
            kinds[i] = ERROR;
        }
    }

    int size() {
        return kinds.length;
    }

    byte kind(int i) {
        return kinds[i];
    }

    /** Task {@code i}'s value or exception, read with the caller's {@code ss}. */
    Object payload(int i, SerializationService ss) {
        return ss.toObject(payloads[i]);
    }

    @Override
    public int getFactoryId() {
        return WireTypes.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return WireTypes.BATCH_OUTCOME;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(runNanos);
        out.writeInt(ran);
        out.writeInt(kinds.length);
        for (int i = 0; i < kinds.length; i++) {
            out.writeByte(kinds[i]);
            if (kinds[i] == VALUE || kinds[i] == ERROR) {
                IOUtil.writeData(out, payloads[i]);
            }
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        runNanos = in.readLong();
        ran = in.readInt();
        int n = in.readInt();
        kinds = new byte[n];
        payloads = new Data[n];
        for (int i = 0; i < n; i++) {
            kinds[i] = in.readByte();
            if (kinds[i] == VALUE || kinds[i] == ERROR) {
                payloads[i] = IOUtil.readData(in);
            }
        }
    }
}
