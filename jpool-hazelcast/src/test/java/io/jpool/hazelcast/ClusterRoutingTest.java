package io.jpool.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.jpool.PoolFuture;
import io.jpool.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How tasks reach their members: a task for the submitting JVM's own member is not run (not even
 * deserialized) on the submitting thread, a task that reaches another member than the one chosen
 * does not run there and is sent again, a plain {@code Callable} travels and runs as itself, and a
 * member's start reports stop when its tasks do. Members share this JVM, so tasks report through
 * statics.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterRoutingTest {
    static LoopbackCluster cluster;
    static ClusterPool pool;

    static final Set<String> deserializedOn = ConcurrentHashMap.newKeySet();
    static final AtomicInteger runs = new AtomicInteger();
    static volatile CountDownLatch release = new CountDownLatch(0);

    @BeforeAll
    static void startCluster() {
        cluster = LoopbackCluster.start(2, 2);
        pool = ClusterPool.builder().hazelcast(cluster.members.get(0)).build();
    }

    @AfterAll
    static void stopCluster() {
        if (pool != null) {
            pool.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void reset() {
        deserializedOn.clear();
        runs.set(0);
        release = new CountDownLatch(1);
    }

    /** Records the thread that deserializes it; returns the thread that runs it. */
    static final class Traced implements Task<String> {
        private static final long serialVersionUID = 1L;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserializedOn.add(Thread.currentThread().getName());
        }

        @Override
        public String call() {
            return Thread.currentThread().getName();
        }
    }

    /** A JDK Callable (not a jpool Task) that counts its runs. */
    static final class Counting implements Callable<String>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public String call() {
            runs.incrementAndGet();
            return Thread.currentThread().getName();
        }
    }

    private static String nameOf(int member) {
        return cluster.members.get(member).getName();
    }

    /** A key whose partition member {@code member} owns. */
    private static Integer keyOwnedBy(int member) {
        Member m = cluster.members.get(member).getCluster().getLocalMember();
        for (int k = 0; ; k++) {
            if (m.equals(cluster.members.get(0).getPartitionService().getPartition(k).getOwner())) {
                return k;
            }
        }
    }

    @Test
    void tasksForTheLocalMemberAreNotDeserializedOnTheSubmittingThread() throws Exception {
        List<PoolFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(pool.submit(new Traced()));
        }
        List<String> ranOn = new ArrayList<>();
        for (PoolFuture<String> f : fs) {
            ranOn.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(ranOn).as("round-robin reaches the submitting JVM's own member")
                .anyMatch(t -> t.contains(nameOf(0)));
        assertThat(deserializedOn).as("threads that deserialized the tasks")
                .isNotEmpty().doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void taskThatReachesAnotherMemberDoesNotRunThereAndIsSentAgain() throws Exception {
        ClusterPoolImpl impl = (ClusterPoolImpl) pool;
        long misroutedBefore = impl.misrouted();
        // As if member 1's partition were still member 0's (it moved while the task was on its way).
        impl.localRoute().useKeys(keyOwnedBy(1));
        PoolFuture<String> f = pool.submit((Task<String>) new Counting()::call, keyOwnedBy(0));
        assertThat(f.get(30, TimeUnit.SECONDS)).as("ran on the member the pool chose").contains(nameOf(0));
        assertThat(runs.get()).as("runs").isEqualTo(1);
        assertThat(impl.misrouted() - misroutedBefore).as("attempts refused by the other member").isEqualTo(1);
        assertThat(f.status()).isEqualTo(PoolFuture.Status.SUCCESS);
    }

    @Test
    void aRouteThatKnewNoLocalPartitionUsesThemOnceAMigrationBringsThem() throws Exception {
        try (LoopbackCluster growing = LoopbackCluster.start(1, 2)) {
            HazelcastInstance first = growing.members.get(0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // Every partition assigned to the only member first, so that the join moves some.
            while (first.getPartitionService().getPartition(0).getOwner() == null) {
                assertThat(System.nanoTime()).as("partitions never assigned").isLessThan(deadline);
                Thread.sleep(10);
            }
            try (LocalRoute route = LocalRoute.of(first)) {
                route.useKeys(); // as if computed while it owned none (a member that just joined)
                assertThat(route.key()).isNull();
                growing.addresses.add("127.0.0.1:" + LoopbackCluster.freePort());
                growing.members.add(growing.startMember(1, 2)); // the join moves partitions
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (route.key() == null) {
                    assertThat(System.nanoTime()).as("no key after the migration").isLessThan(deadline);
                    Thread.sleep(20);
                }
                Integer key = route.key();
                assertThat(first.getPartitionService().getPartition(key).getOwner())
                        .isEqualTo(first.getCluster().getLocalMember());
            }
        }
    }

    @Test
    void remoteCallRefusesToRunOnAMemberItWasNotSentTo() {
        HazelcastInstance m0 = cluster.members.get(0);
        Member m1 = cluster.members.get(1).getCluster().getLocalMember();
        RemoteCall<String> call = new RemoteCall<>(new Counting(), UUID.randomUUID(), 1,
                m0.getCluster().getLocalMember().getUuid(), 0);
        assertThatThrownBy(() -> m0.getExecutorService("jpool").submitToMember(call, m1).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(MisroutedTaskException.class)
                .hasMessageContaining("did not run");
        assertThat(runs.get()).isZero();
    }

    @Test
    void plainCallablesAndRunnablesRunOnBothMembers() throws Exception {
        List<PoolFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fs.add(pool.submit((Callable<String>) new Counting()));
        }
        Set<String> members = ConcurrentHashMap.newKeySet();
        for (PoolFuture<String> f : fs) {
            String thread = f.get(30, TimeUnit.SECONDS);
            members.add(thread.contains(nameOf(0)) ? "m0" : thread.contains(nameOf(1)) ? "m1" : thread);
        }
        assertThat(members).containsExactlyInAnyOrder("m0", "m1");
        assertThat(runs.get()).isEqualTo(10);
        Runnable r = (Runnable & Serializable) () -> runs.incrementAndGet();
        assertThat(pool.submit(r, "done").get(30, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(runs.get()).isEqualTo(11);
    }

    /**
     * Hazelcast's future of an attempt holds the invocation and the task's serialized form: a
     * caller that keeps many finished futures (submit all, then get all) must not keep those too.
     */
    @Test
    void finishedFuturesNoLongerHoldHazelcastsFutures() throws Exception {
        List<PoolFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(pool.submit(new Traced()));
        }
        for (PoolFuture<String> f : fs) {
            f.get(30, TimeUnit.SECONDS);
            assertThat(((ClusterFuture<String>) f).remote).as("Hazelcast's future after the result").isNull();
        }
    }

    @Test
    void nonSerializableCallableIsRejectedAtSubmit() {
        Callable<Integer> notSerializable = new Callable<>() {
            @Override
            public Integer call() {
                return 1;
            }
        };
        assertThatThrownBy(() -> pool.submit(notSerializable))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Serializable");
    }

    static volatile CountDownLatch interrupted = new CountDownLatch(0);

    static String block() throws InterruptedException {
        try {
            release.await();
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
        return "released";
    }

    private static void awaitStatus(PoolFuture<?> f, PoolFuture.Status s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (f.status() != s) {
            assertThat(System.nanoTime()).as("%s never reached %s", f, s).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void localTasksSentByPartitionCancelWhileQueuedAndInterruptWhileRunning() throws Exception {
        interrupted = new CountDownLatch(1);
        Integer local = keyOwnedBy(0);
        List<PoolFuture<String>> blockers = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // both executor threads of member 0
            blockers.add(pool.submit((Task<String>) ClusterRoutingTest::block, local));
        }
        for (PoolFuture<String> b : blockers) {
            awaitStatus(b, PoolFuture.Status.RUNNING);
        }
        PoolFuture<Integer> queued = pool.submit((Task<Integer>) runs::incrementAndGet, local);
        assertThat(queued.status()).isEqualTo(PoolFuture.Status.PENDING);
        assertThat(queued.cancel()).as("a queued task cancels").isTrue();
        assertThat(blockers.get(0).cancel(true)).isTrue();
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the running task was interrupted").isTrue();
        release.countDown();
        blockers.get(1).get(30, TimeUnit.SECONDS);
        // A task sent after the cancelled one ran: the cancelled one, queued ahead of it, did not.
        assertThat(pool.submit((Task<Integer>) () -> 7, local).get(30, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(runs.get()).as("the cancelled task never ran").isZero();
    }

    @Test
    void startReportsTurnALongTaskRunningAndTheirThreadEndsWhenTasksStop() throws Exception {
        PoolFuture<String> f = pool.submit(ClusterRoutingTest::block);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (f.status() != PoolFuture.Status.RUNNING) {
            assertThat(System.nanoTime()).as("%s never turned RUNNING", f).isLessThan(deadline);
            Thread.sleep(5);
        }
        release.countDown();
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("released");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("jpool-member-start-signals"))) {
            assertThat(System.nanoTime()).as("the start-report thread still runs").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
