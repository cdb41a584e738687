package io.jpool.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Cancels (and, if asked, interrupts) one task of a batch on its member through
 * {@link MemberTasks}; answers {@link MemberTasks#ANSWER_NEVER_RUNS} or
 * {@link MemberTasks#ANSWER_RUNNING}. Sent to the member's {@link #EXECUTOR}, not to the executor
 * that runs the batches, so that it never waits behind them in that executor's queue.
 */
final class TaskControl implements Callable<Integer>, IdentifiedDataSerializable {
    /** The member executor control calls run on. */
    static final String EXECUTOR = "jpool.control";

    private UUID pool;
    private long id;
    private boolean interrupt;

    /** For Hazelcast's deserialization. */
    public TaskControl() {
    }

    TaskControl(UUID pool, long id, boolean interrupt) {
        this.pool = pool;
        this.id = id;
        this.interrupt = interrupt;
    }

    @Override
    public Integer call() {
        return MemberTasks.cancel(pool, id, interrupt);
    }

    @Override
    public int getFactoryId() {
        return WireTypes.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return WireTypes.TASK_CONTROL;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(pool.getMostSignificantBits());
        out.writeLong(pool.getLeastSignificantBits());
        out.writeLong(id);
        out.writeBoolean(interrupt);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        pool = new UUID(in.readLong(), in.readLong());
        id = in.readLong();
        interrupt = in.readBoolean();
    }

    @Override
    public String toString() {
        return "jpool cancel of task " + id;
    }
}
