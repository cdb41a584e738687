package io.jpool.hazelcast;

import io.jpool.Manager;
import io.jpool.Pool;
import io.jpool.PoolFuture;
import io.jpool.SharedCounter;
import io.jpool.SharedEvent;
import io.jpool.SharedList;
import io.jpool.SharedLock;
import io.jpool.SharedMap;
import io.jpool.SharedObjects;
import io.jpool.SharedQueue;
import io.jpool.SharedValue;
import io.jpool.ThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shared objects used from tasks on both members of a loopback cluster; the same code also runs
 * on a {@link Manager} with a {@link ThreadPool}, to show it needs no change.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterObjectsTest {
    static LoopbackCluster cluster;
    static ClusterPool pool;
    static ClusterObjects objects;

    @BeforeAll
    static void start() {
        cluster = LoopbackCluster.start(2, 4);
        pool = ClusterPool.builder().hazelcast(cluster.members.get(0)).build();
        objects = ClusterObjects.of(pool);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String fresh() {
        return "t-" + UUID.randomUUID();
    }

    /** Concurrent increments, merges and locked read-modify-writes from 8 tasks. */
    private static void exactTotals(SharedObjects so, Pool pool) throws Exception {
        SharedCounter counter = so.counter(fresh());
        SharedMap<String, Integer> map = so.map(fresh());
        SharedLock lock = so.lock(fresh());
        SharedValue<Integer> guarded = so.value(fresh(), 0);
        List<PoolFuture<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    counter.incrementAndGet();
                    map.merge("k", 1, Integer::sum);
                    lock.lock();
                    try {
                        guarded.set(guarded.get() + 1); // not atomic by itself: the lock makes it so
                    } finally {
                        lock.unlock();
                    }
                }
                return null;
            }));
        }
        for (PoolFuture<?> f : fs) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(counter.get()).isEqualTo(800);
        assertThat(map.get("k")).isEqualTo(800);
        assertThat(guarded.get()).isEqualTo(800);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void exactTotalsFromTasksOnBothMembers() throws Exception {
        exactTotals(objects, pool);
    }

    @Test
    void theSameCodeRunsOnAManagerAndThreadPool() throws Exception {
        try (Manager m = Manager.start(); ThreadPool tp = ThreadPool.create(4)) {
            exactTotals(m, tp);
        }
    }

    @Test
    void queuePipelineAcrossMembersLosesAndRepeatsNothing() throws Exception {
        SharedQueue<Integer> q = objects.queue(fresh(), 10);
        assertThat(q.capacity()).isEqualTo(10);
        List<PoolFuture<?>> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int base = p * 1000;
            producers.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    q.put(base + i);
                }
                return null;
            }));
        }
        Set<Integer> got = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            Integer v = q.poll(Duration.ofSeconds(30));
            assertThat(v).as("element %d", i).isNotNull();
            assertThat(got.add(v)).as("%d once", v).isTrue();
        }
        for (PoolFuture<?> f : producers) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertThat(q.poll()).isNull();
        assertThat(q.offer(1)).isTrue();
    }

    @Test
    void boundedQueueRefusesPastCapacity() throws Exception {
        SharedQueue<String> q = objects.queue(fresh(), 2);
        assertThat(q.offer("a")).isTrue();
        assertThat(q.offer("b")).isTrue();
        assertThat(q.offer("c")).isFalse();
        assertThat(q.offer("c", Duration.ofMillis(50))).isFalse();
        assertThat(q.take()).isEqualTo("a");
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void eventReleasesATaskWaitingOnAnotherMember() throws Exception {
        SharedEvent e = objects.event(fresh());
        assertThat(e.isSet()).isFalse();
        PoolFuture<Boolean> waiter = pool.submit(() -> e.await(Duration.ofSeconds(30)));
        assertThat(e.await(Duration.ofMillis(20))).isFalse();
        e.set();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
        e.clear();
        assertThat(e.isSet()).isFalse();
    }

    @Test
    void listValueAndCompareAndSet() throws Exception {
        SharedList<String> l = objects.list(fresh());
        pool.submit(() -> {
            l.add("x");
            return null;
        }).get(30, TimeUnit.SECONDS);
        l.add("y");
        assertThat(l.snapshot()).containsExactly("x", "y");
        assertThat(l.set(0, "z")).isEqualTo("x");
        assertThat(l.remove(1)).isEqualTo("y");
        assertThat(l.size()).isEqualTo(1);

        String name = fresh();
        SharedValue<String> v = objects.value(name, "a");
        assertThat(objects.value(name, "ignored").get()).as("initial only when first created").isEqualTo("a");
        assertThat(v.compareAndSet("a", "b")).isTrue();
        assertThat(v.compareAndSet("a", "c")).isFalse();
        assertThat(v.updateAndGet(s -> s + "!")).isEqualTo("b!");
        SharedCounter c = objects.counter(fresh());
        assertThat(c.compareAndSet(0, 5)).isTrue();
        assertThat(c.addAndGet(-2)).isEqualTo(3);
        SharedMap<String, Integer> m = objects.map(fresh());
        assertThat(m.compute("a", (k, old) -> old == null ? 1 : old + 1)).isEqualTo(1);
        assertThat(m.compute("a", (k, old) -> null)).isNull();
        assertThat(m.containsKey("a")).isFalse();
    }

    @Test
    void badArgumentsSayWhatToDo() {
        assertThatThrownBy(() -> objects.queue("q", 0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> objects.map(" ")).hasMessageContaining("blank");
        assertThatThrownBy(() -> objects.lock("l").tryLock(Duration.ofSeconds(-1))).hasMessageContaining("zero or positive");
    }
}
