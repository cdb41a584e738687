package io.jpool.hazelcast;

import com.hazelcast.internal.nio.IOUtil;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;

/**
 * The answer to a {@link BatchCall}: for each of its tasks, in order, a value, an exception, or
 * "skipped, it was cancelled". Each value or exception travels serialized on its own
 * ({@link Data}), so the caller deserializes them one by one and a value it cannot read fails
 * only its own task.
 */
final class BatchOutcome implements IdentifiedDataSerializable {
    static final byte VALUE = 0;
    static final byte ERROR = 1;
    static final byte CANCELLED = 2;

    private byte[] kinds;
    private Data[] payloads;

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
        out.writeInt(kinds.length);
        for (int i = 0; i < kinds.length; i++) {
            out.writeByte(kinds[i]);
            if (kinds[i] != CANCELLED) {
                IOUtil.writeData(out, payloads[i]);
            }
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int n = in.readInt();
        kinds = new byte[n];
        payloads = new Data[n];
        for (int i = 0; i < n; i++) {
            kinds[i] = in.readByte();
            if (kinds[i] != CANCELLED) {
                payloads[i] = IOUtil.readData(in);
            }
        }
    }
}
