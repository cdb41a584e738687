package io.jpool.hazelcast;

import com.hazelcast.internal.serialization.DataSerializerHook;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Not for applications: registers jpool's envelopes ({@link RemoteCall}, {@link BatchCall}, its
 * {@link BatchOutcome} and {@link TaskControl}) with Hazelcast
 * as an {@link IdentifiedDataSerializable}, so that a task travels with two small ints in front of
 * it instead of its envelope's class name, and a member builds the envelope with {@code new}
 * instead of a class look-up and reflection.
 *
 * <p>How it works: Hazelcast's serialization, on members and clients alike, loads every
 * {@code DataSerializerHook} listed in {@code META-INF/services/com.hazelcast.DataSerializerHook}
 * on its class path (as Hazelcast's own modules register theirs), so any JVM that has
 * jpool-hazelcast, which every member that runs jpool tasks needs anyway, knows the envelope
 * without a line of configuration, also when the application built the {@code HazelcastInstance}.
 * The factory id is jpool's own ({@link #FACTORY_ID}): an application that registers a factory
 * under the same id makes Hazelcast refuse to start, naming the id.
 */
public final class WireTypes implements DataSerializerHook {
    /** jpool's factory id ("jpol" in ASCII), far from Hazelcast's own (negative) ids. */
    public static final int FACTORY_ID = 0x6A706F6C;
    static final int REMOTE_CALL = 1;
    static final int BATCH_CALL = 2;
    static final int BATCH_OUTCOME = 3;
    static final int TASK_CONTROL = 4;

    /** Called by Hazelcast's service loader. */
    public WireTypes() {
    }

    @Override
    public int getFactoryId() {
        return FACTORY_ID;
    }

    @Override
    public DataSerializableFactory createFactory() {
        return typeId -> {
            switch (typeId) {
                case REMOTE_CALL: return new RemoteCall<Object>();
                case BATCH_CALL: return new BatchCall();
                case BATCH_OUTCOME: return new BatchOutcome();
                case TASK_CONTROL: return new TaskControl();
                default: return null;
            }
        };
    }
}
