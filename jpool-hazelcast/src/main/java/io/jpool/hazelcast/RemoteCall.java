package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.jpool.Task;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * What travels to a member for one task: the task (a plain {@code Callable} submitted to the pool
 * travels as itself, without the pool's {@link Task} adapter around it: one class description
 * less to write and read per task), its id, the pool's id and the member the pool chose. On the member it first checks that it is that member (else it throws
 * {@link MisroutedTaskException} without running the task: see {@link LocalRoute}), then runs the
 * task and, if the task is still running {@link StartSignals#DELAY_MICROS} after it started,
 * announces "task {@code id} started" on the pool's start topic (so the caller's future turns
 * RUNNING). The announcement is asynchronous and may reach the caller after the result, or not at
 * all if the member dies; the caller's future accepts both. With isolation, the member hands the
 * task to its local process pool and waits for it there.
 *
 * <p>{@link IdentifiedDataSerializable} (registered by {@link WireTypes}), not {@code Serializable}:
 * the envelope is written as two ints and its fields (ids as longs, the topic's name is derived
 * from the pool id only when a start is announced), and only the task itself goes through Java
 * serialization (a {@link Task} is always
 * {@code Serializable}, so Hazelcast never falls back to its Compact format, which accepts what
 * it cannot run). A task that cannot be serialized fails in the caller's thread, at submit.
 */
final class RemoteCall<T> implements Callable<T>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /** A {@link Task} whenever {@link #isolation} is set: a process pool runs only those. */
    private Callable<T> task;
    private UUID pool;
    private long id;
    /** The member chosen to run it. */
    private UUID target;
    /** Worker processes per member to run the task in, or 0 to run it in the member's thread. */
    private int isolation;
    private transient HazelcastInstance member;

    /** For Hazelcast's deserialization. */
    public RemoteCall() {
    }

    RemoteCall(Callable<T> task, UUID pool, long id, UUID target, int isolation) {
        this.task = task;
        this.pool = pool;
        this.id = id;
        this.target = target;
        this.isolation = isolation;
    }

    @Override
    public int getFactoryId() {
        return WireTypes.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return WireTypes.REMOTE_CALL;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(id);
        out.writeLong(pool.getMostSignificantBits());
        out.writeLong(pool.getLeastSignificantBits());
        out.writeLong(target.getMostSignificantBits());
        out.writeLong(target.getLeastSignificantBits());
        out.writeInt(isolation);
        out.writeObject(task);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        id = in.readLong();
        pool = new UUID(in.readLong(), in.readLong());
        target = new UUID(in.readLong(), in.readLong());
        isolation = in.readInt();
        task = in.readObject();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.member = instance;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T call() throws Exception {
        if (member == null) {
            return task.call(); // not run by Hazelcast (no member to check or report to)
        }
        UUID here = member.getCluster().getLocalMember().getUuid();
        if (!here.equals(target)) {
            throw new MisroutedTaskException("task " + id + " reached member " + here + " instead of " + target
                    + " (a partition moved on its way) and did not run there; the pool sends it again");
        }
        StartSignals.Running running = StartSignals.begin(member, pool, id);
        try {
            if (isolation > 0) {
                return MemberProcessPools.run(member, isolation, (Task<T>) task);
            }
            return task.call();
        } finally {
            StartSignals.end(running);
        }
    }

    /** Hazelcast asks this for every task it runs: kept cheap, the task's own text is not asked for. */
    @Override
    public String toString() {
        return "jpool task " + id;
    }
}
