package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.internal.nio.IOUtil;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.jpool.Task;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * What travels to a member for several tasks of one pool queued for it: one Hazelcast operation
 * instead of one per task (see {@code Outbox}). Each task keeps its own id, travels already
 * serialized (the pool serialized it at submit, so a task that cannot be serialized is refused
 * there, and one a member cannot deserialize fails alone) and gets its own outcome back in the
 * {@link BatchOutcome}.
 *
 * <p>How it works on the member: when Hazelcast deserializes the operation (on arrival, before
 * it waits in the executor's queue) it hands the member instance here, and the batch registers
 * its tasks in {@link MemberTasks} if it reached the member the pool chose (else it throws
 * {@link MisroutedTaskException} when run, having run nothing). Run, it takes its tasks in order
 * on its thread: each is claimed first (a task cancelled meanwhile is skipped and answered as
 * such), reported by {@link StartSignals} like a lone task, and its value or exception is
 * serialized on its own, so one result that cannot be serialized fails only its task. Once the
 * batch has run for {@link #BUDGET_NANOS}, the tasks it has not begun are handed back unrun.
 */
final class BatchCall implements Callable<BatchOutcome>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /**
     * Once a batch has run this long, the member hands its remaining tasks back unrun, so that a
     * batch of tasks longer than the pool guessed does not keep them waiting one behind another
     * on one thread while others are free: the pool sends them again, by themselves or in smaller
     * batches.
     */
    static final long BUDGET_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5);

    private UUID pool;
    private UUID target;
    private int isolation;
    private long[] ids;
    private Data[] tasks;
    private transient HazelcastInstance member;
    private transient boolean misrouted;

    /** For Hazelcast's deserialization. */
    public BatchCall() {
    }

    BatchCall(UUID pool, UUID target, int isolation, long[] ids, Data[] tasks) {
        this.pool = pool;
        this.target = target;
        this.isolation = isolation;
        this.ids = ids;
        this.tasks = tasks;
    }

    @Override
    public int getFactoryId() {
        return WireTypes.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return WireTypes.BATCH_CALL;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(pool.getMostSignificantBits());
        out.writeLong(pool.getLeastSignificantBits());
        out.writeLong(target.getMostSignificantBits());
        out.writeLong(target.getLeastSignificantBits());
        out.writeInt(isolation);
        out.writeInt(ids.length);
        for (int i = 0; i < ids.length; i++) {
            out.writeLong(ids[i]);
            IOUtil.writeData(out, tasks[i]);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        pool = new UUID(in.readLong(), in.readLong());
        target = new UUID(in.readLong(), in.readLong());
        isolation = in.readInt();
        int n = in.readInt();
        ids = new long[n];
        tasks = new Data[n];
        for (int i = 0; i < n; i++) {
            ids[i] = in.readLong();
            tasks[i] = IOUtil.readData(in);
        }
    }

    /** Called by Hazelcast as the batch arrives, before it is queued to run. */
    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.member = instance;
        misrouted = !instance.getCluster().getLocalMember().getUuid().equals(target);
        if (!misrouted) {
            MemberTasks.arrived(pool, ids);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public BatchOutcome call() {
        if (misrouted) {
            throw new MisroutedTaskException("a batch of " + ids.length + " tasks reached member "
                    + member.getCluster().getLocalMember().getUuid() + " instead of " + target
                    + " (a partition moved on its way) and did not run there; the pool sends them again");
        }
        SerializationService ss = ((SerializationServiceSupport) member).getSerializationService();
        BatchOutcome out = new BatchOutcome(ids.length);
        long began = System.nanoTime();
        for (int i = 0; i < ids.length; i++) {
            if (i > 0 && System.nanoTime() - began > BUDGET_NANOS) {
                if (MemberTasks.handBack(pool, ids[i])) {
                    out.notRun(i);
                } else {
                    out.cancelled(i);
                }
                continue;
            }
            MemberTasks.Slot slot = MemberTasks.claim(pool, ids[i]);
            if (slot == null) {
                out.cancelled(i);
                continue;
            }
            Object value;
            boolean failed;
            StartSignals.Running running = StartSignals.begin(member, pool, ids[i]);
            long start = System.nanoTime();
            try {
                Callable<Object> task = ss.toObject(tasks[i]);
                value = isolation > 0 ? MemberProcessPools.run(member, isolation, (Task<Object>) task) : task.call();
                failed = false;
            } catch (Throwable t) {
                value = t;
                failed = true;
            } finally {
                StartSignals.end(running);
                MemberTasks.finish(pool, ids[i], slot);
                out.ran(System.nanoTime() - start);
            }
            tasks[i] = null; // the task's bytes are not needed any more
            out.put(i, ss, value, failed);
        }
        return out;
    }

    /** Hazelcast asks this for every operation it runs: kept cheap. */
    @Override
    public String toString() {
        return "jpool batch of " + (ids == null ? 0 : ids.length) + " tasks";
    }
}
