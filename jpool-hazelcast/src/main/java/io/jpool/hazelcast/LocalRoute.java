package io.jpool.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.PartitionService;
import com.hazelcast.partition.ReplicaMigrationEvent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keys by which a task for this JVM's own member is sent through one of that member's partitions.
 *
 * <p>How it works: Hazelcast runs an operation addressed to the local member
 * ({@code submitToMember}) on the calling thread, up to and including the task's deserialization
 * and its hand-off to the executor, so a submitting thread would pay for both ends of every task
 * it places locally. An operation addressed to a partition is queued to that partition's thread
 * instead, as a plain {@code submit} is. This class keeps one key (an {@code Integer}) for each of
 * up to {@link #MAX_KEYS} partitions the local member owns and hands them out round-robin, so the
 * work spreads over the partition threads. The keys are recomputed after a migration (so a member
 * that joined owning no partition starts using them once they arrive), after a membership change
 * and after a task was misrouted.
 *
 * <p>A key can be stale for a moment (its partition just migrated to another member): Hazelcast
 * then delivers the task to the partition's new owner, where {@link RemoteCall} refuses to run it
 * ({@link MisroutedTaskException}) and the pool sends it again by member. So a task only ever runs
 * on the member the pool chose, and Hazelcast's own re-sending of partition operations (after a
 * member died) never runs a task twice.
 */
final class LocalRoute implements AutoCloseable {
    /** Enough partitions to keep every partition thread of a large member busy. */
    private static final int MAX_KEYS = 64;
    /** Keys tried per partition sought; integers spread evenly over partitions. */
    private static final int TRIES_PER_KEY = 20;

    private final HazelcastInstance hz;
    private final Member local;
    private final AtomicInteger next = new AtomicInteger();
    /** Keys of locally owned partitions; null until (re)computed, empty if it owns none. */
    private volatile Integer[] keys;
    private final UUID migrationListener;

    private LocalRoute(HazelcastInstance hz, Member local) {
        this.hz = hz;
        this.local = local;
        this.migrationListener = hz.getPartitionService().addMigrationListener(new MigrationListener() {
            @Override
            public void migrationStarted(MigrationState state) {
                // keys stay usable while partitions move
            }

            @Override
            public void migrationFinished(MigrationState state) {
                invalidate();
            }

            @Override
            public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
                // one of many moves: recompute once they are done (a stale key meanwhile costs a re-send)
            }

            @Override
            public void replicaMigrationFailed(ReplicaMigrationEvent event) {
                // the owner stayed
            }
        });
    }

    /** A route for {@code hz} if it is a data member, or null (a client or lite member owns no partitions). */
    static LocalRoute of(HazelcastInstance hz) {
        Member local;
        try {
            local = hz.getCluster().getLocalMember();
        } catch (UnsupportedOperationException e) {
            return null; // a client
        }
        return local.isLiteMember() ? null : new LocalRoute(hz, local);
    }

    /** Whether {@code m} is the member this route reaches. */
    boolean reaches(Member m) {
        return local.equals(m);
    }

    /** A key owned by the local member, or null if none is known (send by member then). */
    Integer key() {
        Integer[] ks = keys;
        if (ks == null) {
            ks = compute();
            keys = ks;
        }
        return ks.length == 0 ? null : ks[Math.floorMod(next.getAndIncrement(), ks.length)];
    }

    /** For tests: routes by {@code stale} until the next invalidation, as if their partitions were local. */
    void useKeys(Integer... stale) {
        keys = stale.clone();
    }

    /** Forgets the keys: partitions may have moved. */
    void invalidate() {
        keys = null;
    }

    /** Stops following migrations. */
    @Override
    public void close() {
        try {
            hz.getPartitionService().removeMigrationListener(migrationListener);
        } catch (RuntimeException e) {
            // the member is stopping: its listeners go with it
        }
    }

    private Integer[] compute() {
        Map<Integer, Integer> byPartition = new LinkedHashMap<>();
        try {
            PartitionService ps = hz.getPartitionService();
            for (int i = 0; i < MAX_KEYS * TRIES_PER_KEY && byPartition.size() < MAX_KEYS; i++) {
                Partition p = ps.getPartition(i);
                if (p != null && local.equals(p.getOwner())) {
                    byPartition.putIfAbsent(p.getPartitionId(), i);
                }
            }
        } catch (RuntimeException e) {
            // Partitions not assigned yet, or the member is stopping: send by member meanwhile.
            return new Integer[0];
        }
        return byPartition.values().toArray(new Integer[0]);
    }
}
