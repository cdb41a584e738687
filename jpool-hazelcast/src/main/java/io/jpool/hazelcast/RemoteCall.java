package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.jpool.Task;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;

/**
 * What travels to a member for one task: the task, its id and the pool's start topic. On the
 * member it runs the task and, if the task is still running {@link StartSignals#DELAY_MICROS}
 * after it started, announces "task {@code id} started" on that topic (so the caller's future
 * turns RUNNING). The announcement is asynchronous and may reach the caller after the result, or
 * not at all if the member dies; the caller's future accepts both. With
 * isolation, the member hands the task to its local process pool and waits for it there.
 *
 * <p>{@link DataSerializable}, not {@code Serializable}: the envelope is written field by field,
 * and only the task itself goes through Java serialization (a {@link Task} is always
 * {@code Serializable}, so Hazelcast never falls back to its Compact format, which accepts what
 * it cannot run). A task that cannot be serialized fails in the caller's thread, at submit.
 */
final class RemoteCall<T> implements Callable<T>, DataSerializable, HazelcastInstanceAware {
    private Task<T> task;
    private String startTopic;
    private long id;
    /** Worker processes per member to run the task in, or 0 to run it in the member's thread. */
    private int isolation;
    private transient HazelcastInstance member;

    /** For Hazelcast's deserialization. */
    public RemoteCall() {
    }

    RemoteCall(Task<T> task, String startTopic, long id, int isolation) {
        this.task = task;
        this.startTopic = startTopic;
        this.id = id;
        this.isolation = isolation;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(id);
        out.writeString(startTopic);
        out.writeInt(isolation);
        out.writeObject(task);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        id = in.readLong();
        startTopic = in.readString();
        isolation = in.readInt();
        task = in.readObject();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.member = instance;
    }

    @Override
    public T call() throws Exception {
        ScheduledFuture<?> startReport = member == null ? null : StartSignals.schedule(member, startTopic, id);
        try {
            if (isolation > 0 && member != null) {
                return MemberProcessPools.run(member, isolation, task);
            }
            return task.call();
        } finally {
            if (startReport != null) {
                startReport.cancel(false); // a task that ended first needs none: its result says it
            }
        }
    }

    @Override
    public String toString() {
        return "task " + id + " (" + task + ")";
    }
}
