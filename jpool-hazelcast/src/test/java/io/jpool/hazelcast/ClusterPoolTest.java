package io.jpool.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.jpool.Futures;
import io.jpool.MapOptions;
import io.jpool.MapResult;
import io.jpool.PoolFuture;
import io.jpool.Task;
import io.jpool.TaskTimeoutException;
import io.jpool.WaitTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Pool contract on a 2-member loopback cluster in this JVM. Members share this JVM, so a
 * task (a deserialized copy) can reach the test through static latches and counters.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterPoolTest {
    /** Executor threads per member: small, so a test can fill them and see a task queue. */
    private static final int THREADS = 2;

    static LoopbackCluster cluster;
    static ClusterPool pool;

    static volatile CountDownLatch release = new CountDownLatch(0);
    static volatile CountDownLatch interrupted = new CountDownLatch(0);
    static final AtomicInteger ran = new AtomicInteger();

    @BeforeAll
    static void startCluster() {
        cluster = LoopbackCluster.start(2, THREADS);
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
        release = new CountDownLatch(1);
        interrupted = new CountDownLatch(1);
        ran.set(0);
    }

    /** Blocks its executor thread until {@link #release} opens; counts an interrupt. */
    static String block() throws InterruptedException {
        try {
            release.await();
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
        return Thread.currentThread().getName();
    }

    private static void awaitStatus(PoolFuture<?> f, PoolFuture.Status s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (f.status() != s) {
            assertThat(System.nanoTime()).as("%s never reached %s", f, s).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void submitReturnsResultsFromBothMembers() throws Exception {
        List<PoolFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(pool.submit(() -> Thread.currentThread().getName()));
        }
        Set<String> instances = new HashSet<>();
        for (PoolFuture<String> f : fs) {
            String thread = f.get(30, TimeUnit.SECONDS);
            assertThat(f.status()).isEqualTo(PoolFuture.Status.SUCCESS);
            instances.add(thread.substring(0, thread.indexOf('-')));
        }
        assertThat(instances).as("round-robin reaches both members").hasSize(2);
    }

    @Test
    void taskExceptionArrivesAsCauseWithItsMessage() {
        PoolFuture<Integer> f = pool.submit((Task<Integer>) () -> {
            throw new IllegalStateException("boom on member");
        });
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("boom on member");
        assertThat(f.status()).isEqualTo(PoolFuture.Status.FAILED);
    }

    @Test
    void queuedTaskIsPendingAndCancelKeepsItFromRunning() throws Exception {
        List<PoolFuture<String>> blockers = new ArrayList<>();
        for (int i = 0; i < 2 * THREADS; i++) {
            blockers.add(pool.submit(ClusterPoolTest::block));
        }
        for (PoolFuture<String> b : blockers) {
            awaitStatus(b, PoolFuture.Status.RUNNING);
        }
        PoolFuture<Integer> queued = pool.submit(() -> ran.incrementAndGet());
        Thread.sleep(200); // give a wrong start signal time to arrive
        assertThat(queued.status()).isEqualTo(PoolFuture.Status.PENDING);
        assertThat(queued.cancel()).isTrue();
        assertThat(queued.isCancelled()).isTrue();
        release.countDown();
        for (PoolFuture<String> b : blockers) {
            b.get(30, TimeUnit.SECONDS);
        }
        // A task submitted after the cancelled one has run: the cancelled one, ahead of it, did not.
        assertThat(pool.submit(() -> 1).get(30, TimeUnit.SECONDS)).isEqualTo(1);
        Thread.sleep(200);
        assertThat(ran.get()).as("the cancelled task never ran").isZero();
        assertThatThrownBy(queued::get).isInstanceOf(CancellationException.class);
    }

    @Test
    void runningTaskRefusesCancelButCancelTrueInterruptsItOnItsMember() throws Exception {
        PoolFuture<String> f = pool.submit(ClusterPoolTest::block);
        awaitStatus(f, PoolFuture.Status.RUNNING);
        assertThat(f.cancel()).isFalse();
        assertThat(f.cancel(false)).isFalse();
        assertThat(f.cancel(true)).isTrue();
        assertThat(f.status()).isEqualTo(PoolFuture.Status.CANCELLED);
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the member's thread was interrupted").isTrue();
    }

    @Test
    void taskPastItsTimeLimitFailsAndIsInterrupted() throws Exception {
        PoolFuture<String> f = pool.submit(ClusterPoolTest::block, Duration.ofMillis(300));
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TaskTimeoutException.class).hasMessageContaining("PT0.3S");
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void callbacksAndCompletableFutureSeeTheResult() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        PoolFuture<String> f = pool.submit(() -> "x");
        f.addDoneCallback(d -> seen.complete(d.resultNow()));
        assertThat(f.toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo("x");
        assertThat(seen.get(30, TimeUnit.SECONDS)).isEqualTo("x");
    }

    @Test
    void asCompletedYieldsEveryFuture() {
        List<PoolFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            fs.add(pool.submit(() -> n * n));
        }
        int count = 0;
        for (PoolFuture<Integer> f : Futures.asCompleted(fs, Duration.ofSeconds(60))) {
            assertThat(f.isDone()).isTrue();
            count++;
        }
        assertThat(count).isEqualTo(50);
    }

    @Test
    void mapWithChunksKeepsOrderAndValues() {
        List<Integer> items = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
        try (MapResult<Integer> r = pool.map((Integer n) -> n * 2, items,
                MapOptions.defaults().chunksize(50).buffersize(8))) {
            List<Integer> out = new ArrayList<>();
            r.forEach(out::add);
            assertThat(out).isEqualTo(items.stream().map(n -> n * 2).collect(Collectors.toList()));
        }
    }

    @Test
    void unorderedMapReturnsEveryValueOnce() {
        List<Integer> items = IntStream.range(0, 500).boxed().collect(Collectors.toList());
        try (MapResult<Integer> r = pool.map((Integer n) -> n + 1, items,
                MapOptions.defaults().chunksize(7).ordered(false))) {
            List<Integer> out = new ArrayList<>();
            r.forEach(out::add);
            assertThat(out).containsExactlyInAnyOrderElementsOf(
                    items.stream().map(n -> n + 1).collect(Collectors.toList()));
        }
    }

    @Test
    void mapPastItsDeadlineThrowsWaitTimeout() {
        try (MapResult<String> r = pool.map((Integer n) -> block(), List.of(1, 2),
                MapOptions.defaults().timeout(Duration.ofMillis(300)))) {
            assertThatThrownBy(() -> r.forEach(x -> { })).isInstanceOf(WaitTimeoutException.class);
        } finally {
            release.countDown();
        }
    }

    @Test
    void keyedSubmitRunsOnTheKeysOwner() throws Exception {
        HazelcastInstance any = cluster.members.get(0);
        for (int k = 0; k < 20; k++) {
            String key = "key-" + k;
            Member owner = any.getPartitionService().getPartition(key).getOwner();
            String ownerName = cluster.members.stream()
                    .filter(m -> m.getCluster().getLocalMember().equals(owner)).findFirst().orElseThrow().getName();
            String thread = pool.submit((Task<String>) () -> Thread.currentThread().getName(), key)
                    .get(30, TimeUnit.SECONDS);
            assertThat(thread).as("key %s", key).contains(ownerName);
        }
    }

    @Test
    void nonSerializableTaskIsRejectedAtSubmit() {
        Object notSerializable = new Object();
        assertThatThrownBy(() -> pool.submit(() -> notSerializable.hashCode()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Serializable");
    }

    @Test
    void inFlightBoundMakesSubmitWait() throws Exception {
        try (ClusterPool small = ClusterPool.builder().hazelcast(cluster.members.get(1)).maxInFlight(2).build()) {
            small.submit(ClusterPoolTest::block);
            small.submit(ClusterPoolTest::block);
            CompletableFuture<PoolFuture<Integer>> third = CompletableFuture.supplyAsync(() -> small.submit(() -> 3));
            Thread.sleep(300);
            assertThat(third).as("the third submit waits for a slot").isNotDone();
            release.countDown();
            assertThat(third.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS)).isEqualTo(3);
        }
    }

    @Test
    void closedPoolRejectsSubmitCountsEverythingAndLeavesNoThread() throws Exception {
        Set<String> before = poolThreads();
        ClusterPool p = ClusterPool.builder().hazelcast(cluster.members.get(1)).build();
        for (int i = 0; i < 10; i++) {
            p.submit(() -> 1);
        }
        p.close();
        assertThat(p.isTerminated()).isTrue();
        assertThat(p.stats().submitted()).isEqualTo(10);
        assertThat(p.stats().completed()).isEqualTo(10);
        assertThatThrownBy(() -> p.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("shut down");
        assertThat(cluster.members.get(1).getLifecycleService().isRunning()).as("not the pool's to stop").isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!before.containsAll(poolThreads())) {
            assertThat(System.nanoTime()).as("threads left: %s", poolThreads()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static Set<String> poolThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("jpool-cluster-")).collect(Collectors.toSet());
    }

    @Test
    void embeddedPoolJoinsTheClusterAndStopsItsMemberOnClose() throws Exception {
        String address = "127.0.0.1:" + LoopbackCluster.freePort();
        List<String> join = new ArrayList<>(cluster.addresses);
        join.add(address);
        int port = Integer.parseInt(address.substring(address.indexOf(':') + 1));
        ClusterPool p = ClusterPool.builder().embedded().clusterName(cluster.name).port(port)
                .join(join.toArray(new String[0])).build();
        HazelcastInstance own = p.hazelcast();
        assertThat(own.getCluster().getMembers()).hasSize(3);
        assertThat(p.submit(() -> 42).get(30, TimeUnit.SECONDS)).isEqualTo(42);
        p.close();
        assertThat(own.getLifecycleService().isRunning()).isFalse();
    }

    @Test
    void clientPoolRunsTasksOnTheMembersAndStopsItsClientOnClose() throws Exception {
        ClusterPool p = ClusterPool.builder().client(cluster.addresses.toArray(new String[0]))
                .clusterName(cluster.name).build();
        HazelcastInstance client = p.hazelcast();
        assertThat(p.stats().workers()).isEqualTo(2);
        assertThat(p.submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS)).startsWith("hz.m");
        try (MapResult<Integer> r = p.map((Integer n) -> n * 3, List.of(1, 2, 3), MapOptions.defaults())) {
            List<Integer> out = new ArrayList<>();
            r.forEach(out::add);
            assertThat(out).containsExactly(3, 6, 9);
        }
        p.close();
        assertThat(client.getLifecycleService().isRunning()).isFalse();
    }

    @Test
    void tasksSentJustAfterAMemberLeftGoElsewhereWithoutRetries() throws Exception {
        String address = "127.0.0.1:" + LoopbackCluster.freePort();
        List<String> join = new ArrayList<>(cluster.addresses);
        join.add(address);
        HazelcastInstance third = com.hazelcast.core.Hazelcast.newHazelcastInstance(HazelcastConfigs.member(
                cluster.name, "127.0.0.1", Integer.parseInt(address.substring(address.indexOf(':') + 1)), join));
        try (ClusterPool p = ClusterPool.builder().hazelcast(cluster.members.get(0)).build()) {
            awaitWorkers(p, 3);
            third.shutdown();
            List<PoolFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                fs.add(p.submit(() -> 1));
            }
            for (PoolFuture<Integer> f : fs) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }
            awaitWorkers(p, 2); // the pool hears of the departure on Hazelcast's event thread
        } finally {
            third.getLifecycleService().terminate();
        }
    }

    /** Waits until the pool's view of the cluster has {@code n} members, or fails after 30 s. */
    private static void awaitWorkers(ClusterPool p, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (p.stats().workers() != n) {
            assertThat(System.nanoTime()).as("the pool never saw %d members: %s", n, p.stats()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void allowListRefusesResultsOfOtherClassesAndAcceptsListedOnes() throws Exception {
        String[] members = cluster.addresses.toArray(new String[0]);
        try (ClusterPool strict = ClusterPool.builder().client(members).clusterName(cluster.name)
                .allowedClasses("com.example.other.").build()) {
            PoolFuture<org.example.Payload> f = strict.submit(() -> new org.example.Payload("x"));
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .rootCause().hasMessageContaining("org.example.Payload");
            assertThat(strict.submit(() -> "jdk classes pass").get(30, TimeUnit.SECONDS)).isEqualTo("jdk classes pass");
        }
        try (ClusterPool allowing = ClusterPool.builder().client(members).clusterName(cluster.name)
                .allowedClasses("org.example.").build()) {
            assertThat(allowing.submit(() -> new org.example.Payload("y")).get(30, TimeUnit.SECONDS).text())
                    .isEqualTo("y");
        }
    }

    @Test
    void builderRejectsBadArgumentsSayingWhatToDo() {
        assertThatThrownBy(() -> ClusterPool.builder().retries(-1)).hasMessageContaining("at least 0");
        assertThatThrownBy(() -> ClusterPool.builder().maxInFlight(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ClusterPool.builder().clusterName(" ")).hasMessageContaining("blank");
        assertThatThrownBy(() -> ClusterPool.builder().client("127.0.0.1:1", "")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> ClusterPool.builder().taskTimeout(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> ClusterPool.builder().allowedClasses("")).hasMessageContaining("package prefix");
        assertThatThrownBy(() -> ClusterPool.builder().isolateInProcesses(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> pool.submit(() -> 1, Duration.ofSeconds(-1))).hasMessageContaining("positive");
    }
}
