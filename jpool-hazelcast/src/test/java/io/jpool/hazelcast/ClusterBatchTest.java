package io.jpool.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.jpool.PoolFuture;
import io.jpool.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tasks queued for a member travel to it in batches, one Hazelcast operation each, and every task
 * keeps its own future: a lone task goes alone at once; a task of a batch already sent can be
 * cancelled (it never runs) or interrupted without touching the others. One member in this JVM
 * whose "jpool" executor has few threads, so a test can hold them with latches and see tasks
 * queue; members share this JVM, so tasks reach the test through static latches and sets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterBatchTest {
    static volatile CountDownLatch holdA = new CountDownLatch(0);
    static volatile CountDownLatch holdB = new CountDownLatch(0);
    static volatile CountDownLatch holdFirst = new CountDownLatch(0);
    static volatile CountDownLatch firstStarted = new CountDownLatch(0);
    static final Set<Integer> ran = ConcurrentHashMap.newKeySet();
    static final Set<Integer> sawInterrupt = ConcurrentHashMap.newKeySet();

    private LoopbackCluster cluster;
    private ClusterPool pool;

    @AfterEach
    void close() throws Exception {
        holdA.countDown();
        holdB.countDown();
        holdFirst.countDown();
        if (pool != null) {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        if (cluster != null) {
            cluster.close();
        }
        ran.clear();
        sawInterrupt.clear();
    }

    private HazelcastInstance start(int threads) {
        cluster = LoopbackCluster.start(1, threads);
        HazelcastInstance hz = cluster.members.get(0);
        pool = ClusterPool.builder().hazelcast(hz).build();
        return hz;
    }

    /** Hazelcast operations the member's "jpool" executor has started: one per lone task or batch. */
    private static long operations(HazelcastInstance hz) {
        return hz.getExecutorService("jpool").getLocalExecutorStats().getStartedTaskCount();
    }

    /** Holds its member thread until {@link #holdA} (which 0) or {@link #holdB} is released. */
    static int hold(int which) throws InterruptedException {
        (which == 0 ? holdA : holdB).await();
        return -1;
    }

    static int record(int i) {
        ran.add(i);
        return i;
    }

    /**
     * Waits for {@link #holdB}, then records: a filler that cannot end before the test lets it. The
     * member's executor does not start its tasks in the order they were submitted (they arrive
     * through different operation threads), so a filler that did not wait could run, and free an
     * operation, before the holders had the two threads: a task submitted next would then go
     * alone, not in a batch.
     */
    static int heldRecord(int i) throws InterruptedException {
        holdB.await();
        return record(i);
    }

    /** Marker task 0 holds its thread until released (or interrupted); the others record that they ran. */
    static int marker(int i) throws InterruptedException {
        if (i == 0) {
            firstStarted.countDown();
            try {
                holdFirst.await();
            } catch (InterruptedException e) {
                sawInterrupt.add(i);
                throw e;
            }
        }
        if (Thread.currentThread().isInterrupted()) {
            sawInterrupt.add(i); // an interrupt meant for another task of the batch leaked here
        }
        ran.add(i);
        return i;
    }

    /**
     * Fills the member's executor: two holders for its two threads and lone tasks that wait for
     * {@link #holdB} too, so no operation ends before the test releases them.
     */
    private List<PoolFuture<Integer>> fillOperations() {
        holdA = new CountDownLatch(1);
        holdB = new CountDownLatch(1);
        List<PoolFuture<Integer>> fs = new ArrayList<>();
        fs.add(pool.submit(() -> hold(0)));
        fs.add(pool.submit(() -> hold(1)));
        for (int i = 0; i < Outbox.MAX_OPS - 2; i++) {
            int n = -2 - i;
            fs.add(pool.submit(() -> heldRecord(n)));
        }
        return fs;
    }

    @Test
    void tasksQueuedForABusyMemberTravelInFarFewerOperationsThanTasks() throws Exception {
        HazelcastInstance hz = start(2);
        List<PoolFuture<Integer>> fillers = fillOperations();
        long before = operations(hz);
        int n = 1000;
        List<PoolFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            fs.add(pool.submit(() -> record(k)));
        }
        holdA.countDown();
        holdB.countDown();
        for (int i = 0; i < n; i++) {
            assertThat(fs.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(i);
        }
        for (PoolFuture<Integer> f : fillers) {
            f.get(60, TimeUnit.SECONDS);
        }
        long ops = operations(hz) - before;
        System.out.printf("%d queued tasks reached their member in %d operations%n", n, ops);
        // The fillers' own operations count in `ops` too: Outbox.MAX_OPS of them.
        assertThat(ops).as("operations for %d queued tasks", n).isLessThan(n / 4);
        assertThat(ran).hasSize(n + Outbox.MAX_OPS - 2);
    }

    /** Runs past a batch's whole budget by itself. */
    static int sleepy(int i) throws InterruptedException {
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(BatchCall.BUDGET_NANOS) + 2);
        ran.add(i);
        return i;
    }

    @Test
    void aBatchThatRunsPastItsBudgetHandsItsUnbegunTasksBack() throws Exception {
        HazelcastInstance hz = start(2);
        int heldBefore = MemberTasks.held();
        com.hazelcast.internal.serialization.SerializationService ss =
                ((com.hazelcast.spi.impl.SerializationServiceSupport) hz).getSerializationService();
        java.util.UUID poolId = java.util.UUID.randomUUID();
        int n = 3;
        long[] ids = new long[n];
        com.hazelcast.internal.serialization.Data[] tasks = new com.hazelcast.internal.serialization.Data[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            ids[i] = i;
            tasks[i] = ss.toData((Task<Integer>) () -> sleepy(k));
        }
        BatchCall call = new BatchCall(poolId, hz.getCluster().getLocalMember().getUuid(), 0, ids, tasks);
        BatchOutcome out = hz.getExecutorService("jpool").submitToMember(call, hz.getCluster().getLocalMember())
                .get(30, TimeUnit.SECONDS);
        // The first task alone runs past the budget: the others go back unrun, for the pool to send again.
        assertThat(out.kind(0)).isEqualTo(BatchOutcome.VALUE);
        assertThat(out.kind(1)).isEqualTo(BatchOutcome.NOT_RUN);
        assertThat(out.kind(2)).isEqualTo(BatchOutcome.NOT_RUN);
        assertThat(ran).containsExactly(0);
        assertThat(out.meanRunNanos()).isGreaterThan(BatchCall.BUDGET_NANOS);
        assertThat(MemberTasks.held()).as("tasks handed back are forgotten by the member").isEqualTo(heldBefore);
    }

    @Test
    void aLoneTaskGoesAloneAtOnce() throws Exception {
        HazelcastInstance hz = start(2);
        long batches = MemberTasks.batchesReceived();
        long before = operations(hz);
        for (int i = 0; i < 200; i++) {
            int k = i;
            assertThat(pool.submit(() -> record(k)).get(30, TimeUnit.SECONDS)).isEqualTo(k);
        }
        assertThat(operations(hz) - before).as("one operation per sequential task").isEqualTo(200);
        assertThat(MemberTasks.batchesReceived()).as("no batch for tasks submitted one at a time").isEqualTo(batches);
    }

    @Test
    void aTaskCancelledInsideASentBatchEndsCancelledAndNeverRunsWhileItsBatchMatesRun() throws Exception {
        start(2);
        int heldBefore = MemberTasks.held();
        holdFirst = new CountDownLatch(1);
        firstStarted = new CountDownLatch(1);
        List<PoolFuture<Integer>> fillers = fillOperations();
        int n = 4 * Outbox.MAX_OPS; // the first batch takes a MAX_OPS-th: markers 0 to 3
        List<PoolFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            fs.add(pool.submit((Task<Integer>) () -> marker(k)));
        }
        holdB.countDown(); // one thread runs the lone tasks, then the batches in turn
        assertThat(firstStarted.await(60, TimeUnit.SECONDS)).as("marker 0 started").isTrue();
        ClusterFuture<Integer> second = (ClusterFuture<Integer>) fs.get(1);
        assertThat(second.batched).as("marker 1 travels in marker 0's batch").isTrue();
        assertThat(second.status()).isEqualTo(PoolFuture.Status.PENDING);
        assertThat(second.cancel()).isTrue();
        assertThat(second.status()).isEqualTo(PoolFuture.Status.CANCELLED);

        ClusterFuture<Integer> first = (ClusterFuture<Integer>) fs.get(0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (first.status() != PoolFuture.Status.RUNNING) {
            assertThat(System.nanoTime()).as("marker 0's start reported").isLessThan(deadline);
            Thread.sleep(2);
        }
        assertThat(first.cancel(true)).isTrue();
        for (int i = 2; i < n; i++) {
            assertThat(fs.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(i);
        }
        holdA.countDown();
        for (PoolFuture<Integer> f : fillers) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(first.status()).isEqualTo(PoolFuture.Status.CANCELLED);
        long interruptDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!sawInterrupt.contains(0)) {
            assertThat(System.nanoTime()).as("marker 0 interrupted on its member").isLessThan(interruptDeadline);
            Thread.sleep(2);
        }
        assertThat(sawInterrupt).as("only marker 0 saw an interrupt").containsExactly(0);
        assertThat(ran).as("marker 1 never ran").doesNotContain(1).doesNotContain(0);
        assertThat(ran).containsAll(Arrays.asList(2, 3, 4, n - 1));
        assertThat(MemberTasks.held()).as("the member forgot every batched task").isEqualTo(heldBefore);
    }
}
